package io.meshless.agent.tls;

import static io.meshless.agent.tls.TestIdentities.FOREIGN;
import static io.meshless.agent.tls.TestIdentities.MESH;
import static io.meshless.agent.tls.TestIdentities.leaf;
import static io.meshless.agent.tls.TestIdentities.trusting;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.agent.config.Mode;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.TrustBundle;
import io.meshless.pki.WorkloadCredentials;
import io.meshless.pki.reload.ReloadingKeyManager;
import io.netty.handler.ssl.SslContextBuilder;
import java.security.KeyStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Test;

class OpenSslContextsTest {
    private static final HeldCertificate ME = leaf(MESH, "spiffe://cluster.local/ns/shop/sa/orders");
    private static final HeldCertificate STRANGER = leaf(FOREIGN, "spiffe://cluster.local/ns/shop/sa/orders");

    private final Optional<WorkloadCredentials> current =
            Optional.of(new WorkloadCredentials(ME, TrustBundle.of(MESH.ca().certificate()), null));
    private final ReloadingKeyManager agentKeys = new ReloadingKeyManager(() -> current);
    private final MeshTrustManager agentTrust = new MeshTrustManager(() -> current, null, null, "/test/certs");
    private final MeshlessProvider provider =
            new MeshlessProvider(() -> agentKeys, () -> agentTrust, "SunX509", "PKIX");
    private final OpenSslContexts contexts = new OpenSslContexts(
            new MountedMaterialAdoption(() -> current, List::of, agentKeys, agentTrust),
            this::agentFactory,
            new ClientAuthPolicy(Mode.STRICT));

    @Test
    void keyManagerFactoryHoldingTheWorkloadKeyBecomesTheAgentsReloadingOne() throws Exception {
        KeyManagerFactory adopted = contexts.onKeyManagerFactory(factoryOver(ME));

        assertThat(adopted.getKeyManagers()).containsExactly(agentKeys);
    }

    @Test
    void keyManagerFactoryHoldingTheWorkloadKeyBesideAnotherKeepsTheOtherKey() throws Exception {
        KeyManagerFactory applications = factoryOver(ME, STRANGER);

        KeyManagerFactory adopted = contexts.onKeyManagerFactory(applications);

        assertThat(adopted.getKeyManagers()).singleElement().isInstanceOf(MeshAliasKeyManager.class);
        assertThat(adopted.getAlgorithm()).isEqualTo(applications.getAlgorithm());
    }

    @Test
    void keyManagerFactoryOfAnotherKeyStaysTheApplications() throws Exception {
        KeyManagerFactory applications = factoryOver(STRANGER);

        assertThat(contexts.onKeyManagerFactory(applications)).isSameAs(applications);
    }

    @Test
    void trustManagersOverExactlyTheMeshBundleBecomeTheMeshTrustManager() {
        assertThat(contexts.onTrustManagers(new TrustManager[] {trusting(MESH)}))
                .containsExactly(agentTrust);
    }

    @Test
    void trustManagersOverOtherCasStayTheApplications() {
        TrustManager mine = trusting(MESH, FOREIGN);

        assertThat(contexts.onTrustManagers(new TrustManager[] {mine})).containsExactly(mine);
    }

    @Test
    void clientWithoutKeysGetsNothingWhenThisNettysOpenSslTakesNoKeyManagerFactory() {
        // netty-handler without netty-tcnative on the test class path: OpenSSL is unavailable.
        assertThat(contexts.forClientWithoutKeys(SslContextBuilder.forClient())).isNull();
    }

    @Test
    void clientWithoutKeysGetsNothingOutsideNetty() {
        assertThat(contexts.forClientWithoutKeys(new Object())).isNull();
    }

    private KeyManagerFactory agentFactory() {
        try {
            KeyManagerFactory factory = KeyManagerFactory.getInstance(MeshlessProvider.NAME, provider);
            factory.init(null, null);
            return factory;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void serverContextWhoseKeysWereAdoptedRequiresClientCertificatesInStrictMode() throws Exception {
        Object context = serverContextOver(contexts, ME);
        SSLEngine engine = serverEngine();

        contexts.onEngineCreated(context, engine);

        assertThat(engine.getNeedClientAuth()).isTrue();
    }

    @Test
    void serverContextWithTheApplicationsOwnKeysKeepsItsClientAuth() throws Exception {
        contexts.onKeyManagerFactory(factoryOver(ME)); // a client context adopted earlier on this thread
        Object context = serverContextOver(contexts, STRANGER);
        SSLEngine engine = serverEngine();

        contexts.onEngineCreated(context, engine);

        assertThat(engine.getNeedClientAuth()).isFalse();
        assertThat(engine.getWantClientAuth()).isFalse();
    }

    @Test
    void auditModeReportsOnceAServerEngineOfAnAdoptedContextWhoseClientSentNoCertificate() throws Exception {
        List<String> logged = new ArrayList<>();
        RefusalLog refusals = new RefusalLog(Clock.systemUTC(), logged::add);
        OpenSslContexts audit = auditing(refusals);
        Object context = serverContextOver(audit, ME);
        SSLEngine engine = serverEngine(); // no handshake: no peer certificate

        audit.onEngineCreated(context, engine);
        audit.onHandshake(engine, SSLEngineResult.HandshakeStatus.NEED_UNWRAP);
        assertThat(refusals.counts().get(RefusalReason.NO_CERTIFICATE))
                .as("before the handshake finished")
                .isZero();
        audit.onHandshake(engine, SSLEngineResult.HandshakeStatus.FINISHED);
        audit.onHandshake(engine, SSLEngineResult.HandshakeStatus.FINISHED);

        assertThat(refusals.counts().get(RefusalReason.NO_CERTIFICATE)).isEqualTo(1);
        assertThat(logged).singleElement().asString().startsWith("admitted (audit) inbound peer (no certificate)");
        assertThat(engine.getWantClientAuth())
                .as("audit asks for a certificate")
                .isTrue();
    }

    @Test
    void auditModeLeavesServerEnginesOfTheApplicationsOwnContextsAlone() throws Exception {
        RefusalLog refusals = new RefusalLog(Clock.systemUTC(), line -> {});
        OpenSslContexts audit = auditing(refusals);
        Object context = serverContextOver(audit, STRANGER);
        SSLEngine engine = serverEngine();

        audit.onEngineCreated(context, engine);
        audit.onHandshake(engine, SSLEngineResult.HandshakeStatus.FINISHED);

        assertThat(refusals.counts().get(RefusalReason.NO_CERTIFICATE)).isZero();
    }

    private OpenSslContexts auditing(RefusalLog refusals) {
        return new OpenSslContexts(
                new MountedMaterialAdoption(() -> current, List::of, agentKeys, agentTrust),
                this::agentFactory,
                new ClientAuthPolicy(Mode.AUDIT, refusals));
    }

    /** A server context built through the hooks of {@code contexts} from a key manager factory over {@code keys}. */
    private static Object serverContextOver(OpenSslContexts contexts, HeldCertificate keys) throws Exception {
        Object context = new Object();
        contexts.onServerContextStarts();
        contexts.onKeyManagerFactory(factoryOver(keys));
        contexts.onServerContextBuilt(context);
        return context;
    }

    private static SSLEngine serverEngine() throws Exception {
        SSLContext jdk = SSLContext.getInstance("TLS");
        jdk.init(null, null, null);
        SSLEngine engine = jdk.createSSLEngine();
        engine.setUseClientMode(false);
        return engine;
    }

    private static KeyManagerFactory factoryOver(HeldCertificate... entries) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < entries.length; i++) {
            store.setKeyEntry("key-" + i, entries[i].privateKey(), new char[0], entries[i].chainArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance("SunX509");
        factory.init(store, new char[0]);
        return factory;
    }
}
