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
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Test;

class OpenSslContextsTest {
    private static final HeldCertificate ME = leaf(MESH, "spiffe://cluster.local/ns/shop/sa/orders");
    private static final HeldCertificate STRANGER = leaf(FOREIGN, "spiffe://cluster.local/ns/shop/sa/orders");

    private final Optional<WorkloadCredentials> current =
            Optional.of(new WorkloadCredentials(ME, TrustBundle.of(MESH.certificate()), null));
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
        Object context = new Object();
        contexts.onServerContextStarts();
        contexts.onKeyManagerFactory(factoryOver(ME));
        contexts.onServerContextBuilt(context);
        SSLEngine engine = serverEngine();

        contexts.onEngineCreated(context, engine);

        assertThat(engine.getNeedClientAuth()).isTrue();
    }

    @Test
    void serverContextWithTheApplicationsOwnKeysKeepsItsClientAuth() throws Exception {
        contexts.onKeyManagerFactory(factoryOver(ME)); // a client context adopted earlier on this thread
        Object context = new Object();
        contexts.onServerContextStarts();
        contexts.onKeyManagerFactory(factoryOver(STRANGER));
        contexts.onServerContextBuilt(context);
        SSLEngine engine = serverEngine();

        contexts.onEngineCreated(context, engine);

        assertThat(engine.getNeedClientAuth()).isFalse();
        assertThat(engine.getWantClientAuth()).isFalse();
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
