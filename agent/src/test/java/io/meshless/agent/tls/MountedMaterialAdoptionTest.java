package io.meshless.agent.tls;

import static io.meshless.agent.tls.TestIdentities.FOREIGN;
import static io.meshless.agent.tls.TestIdentities.MESH;
import static io.meshless.agent.tls.TestIdentities.PUBLIC;
import static io.meshless.agent.tls.TestIdentities.keyManager;
import static io.meshless.agent.tls.TestIdentities.leaf;
import static io.meshless.agent.tls.TestIdentities.trusting;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.agent.bridge.MeshlessBridge;
import io.meshless.agent.config.Mode;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyStoreWriter;
import io.meshless.pki.TrustBundle;
import io.meshless.pki.WorkloadCredentials;
import io.meshless.pki.reload.ReloadingKeyManager;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountedMaterialAdoptionTest {
    private static final HeldCertificate ME = leaf(MESH, "spiffe://cluster.local/ns/shop/sa/orders");
    private static final HeldCertificate ME_RENEWED = leaf(MESH, "spiffe://cluster.local/ns/shop/sa/orders");
    private static final HeldCertificate STRANGER = leaf(FOREIGN, "spiffe://cluster.local/ns/shop/sa/orders");

    private final AtomicReference<WorkloadCredentials> current = new AtomicReference<>(
            new WorkloadCredentials(ME, TrustBundle.of(MESH.ca().certificate()), null));
    private final ReloadingKeyManager agentKeys = new ReloadingKeyManager(() -> Optional.ofNullable(current.get()));
    private final MeshTrustManager agentTrust =
            new MeshTrustManager(() -> Optional.ofNullable(current.get()), null, null, "/test/certs");
    private final List<X509Certificate> retired = new ArrayList<>();
    private final MountedMaterialAdoption adoption =
            new MountedMaterialAdoption(() -> Optional.ofNullable(current.get()), () -> retired, agentKeys, agentTrust);

    @TempDir
    Path dir;

    // ---- key managers ----

    @Test
    void adoptsKeyManagerLoadedFromThePemFiles() throws Exception {
        X509KeyManager fromPem =
                keyManagerOver(parsePemKey(ME.privateKeyPem()), parsePemChain(ME.chainPem()), "PKCS12");

        assertThat(adoption.adopt(fromPem, () -> "test")).isSameAs(agentKeys);
    }

    @Test
    void adoptsKeyManagerLoadedFromPkcs12MadeFromTheMountedPem() throws Exception {
        Path p12 = dir.resolve("tls.p12");
        KeyStoreWriter.writePkcs12(p12, ME, TrustBundle.of(MESH.ca().certificate()), "changeit".toCharArray());

        assertThat(adoption.adopt(keyManagerFrom(p12, "PKCS12", "PKIX"), () -> "test"))
                .isSameAs(agentKeys);
    }

    @Test
    void adoptsKeyManagerLoadedFromJks() throws Exception {
        Path jks = dir.resolve("tls.jks");
        KeyStoreWriter.writeJks(jks, ME, TrustBundle.of(MESH.ca().certificate()), "changeit".toCharArray());

        assertThat(adoption.adopt(keyManagerFrom(jks, "JKS", "SunX509"), () -> "test"))
                .isSameAs(agentKeys);
    }

    @Test
    void adoptsKeyManagerHoldingTheWorkloadKeyUnderAnyAlias() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("a-public-site", STRANGER.privateKey(), new char[0], STRANGER.chainArray());
        store.setKeyEntry("z-mesh", ME.privateKey(), new char[0], ME.chainArray());

        X509KeyManager adopted = adoption.adopt(keyManagerOver(store), () -> "test");

        // the public site's key stays the application's (MeshAliasKeyManagerTest); the mesh alias is the agent's
        assertThat(adopted).isInstanceOf(MeshAliasKeyManager.class);
        assertThat(adopted.getServerAliases("EC", null))
                .contains(agentKeys.currentAlias().orElseThrow());
    }

    @Test
    void leavesForeignKeyManagerAlone() throws Exception {
        X509KeyManager foreign = keyManager(STRANGER);

        assertThat(adoption.adopt(foreign, () -> "test")).isSameAs(foreign);
        assertThat(adoption.decide(new KeyManager[] {foreign}, null).leftAlone())
                .singleElement()
                .asString()
                .contains("holds no certificate with the workload key");
    }

    @Test
    void leavesKeyManagerWithAnotherCertificateOfTheSameIdentityButAnotherKeyAlone() throws Exception {
        // Same SPIFFE ID, same CA, different key: not the mounted material.
        X509KeyManager sameNameOtherKey = keyManager(ME_RENEWED);

        assertThat(adoption.adopt(sameNameOtherKey, () -> "test")).isSameAs(sameNameOtherKey);
    }

    @Test
    void adoptsKeyManagerHoldingThePreviousKeyAfterARotation() throws Exception {
        X509KeyManager loadedBeforeTheSwap = keyManager(ME);
        current.set(new WorkloadCredentials(ME_RENEWED, TrustBundle.of(MESH.ca().certificate()), null));
        retired.add(ME.certificate());

        MountedMaterialAdoption.Adoption decided = adoption.decide(new KeyManager[] {loadedBeforeTheSwap}, null);

        assertThat(decided.keyManagers()).containsExactly(agentKeys);
        assertThat(decided.adopted()).singleElement().asString().contains("previous workload certificate");
    }

    @Test
    void leavesKeyManagerHoldingAKeyTheAgentNeverServedAlone() throws Exception {
        X509KeyManager older = keyManager(ME);
        current.set(new WorkloadCredentials(ME_RENEWED, TrustBundle.of(MESH.ca().certificate()), null));

        assertThat(adoption.adopt(older, () -> "test")).isSameAs(older);
    }

    @Test
    void adoptsNothingBeforeTheAgentHasMaterial() throws Exception {
        current.set(null);
        X509KeyManager fromFiles = keyManager(ME);
        X509TrustManager bundle = trusting(MESH);

        MountedMaterialAdoption.Adoption decided =
                adoption.decide(new KeyManager[] {fromFiles}, new TrustManager[] {bundle});

        assertThat(decided.adoptedAny()).isFalse();
        assertThat(decided.keyManagers()).containsExactly(fromFiles);
        assertThat(decided.trustManagers()).containsExactly(bundle);
        assertThat(decided.leftAlone()).hasSize(2).allMatch(why -> why.contains("no workload credentials are loaded"));
    }

    @Test
    void keyManagerThatFailsToListItsAliasesIsLeftAlone() {
        X509KeyManager broken = new BrokenKeyManager();

        assertThat(adoption.adopt(broken, () -> "test")).isSameAs(broken);
    }

    // ---- trust managers ----

    @Test
    void adoptsTrustManagerOverExactlyTheMeshBundle() throws Exception {
        X509TrustManager fromCaCrt = trustManagerOver(parsePemChain(pem(MESH)));

        assertThat(adoption.adopt(fromCaCrt, () -> "test")).isSameAs(agentTrust);
    }

    @Test
    void adoptsTrustManagerOverExactlyTheClientBundle() throws Exception {
        current.set(new WorkloadCredentials(
                ME,
                TrustBundle.of(MESH.ca().certificate()),
                TrustBundle.of(FOREIGN.ca().certificate(), MESH.ca().certificate())));

        MountedMaterialAdoption.Adoption decided = adoption.decide(null, new TrustManager[] {trusting(MESH, FOREIGN)});

        assertThat(decided.trustManagers()).containsExactly(agentTrust);
        assertThat(decided.adopted()).singleElement().asString().contains("client-ca.crt");
    }

    @Test
    void adoptsTrustManagerOverTheBundleWhateverTheOrder() throws Exception {
        current.set(new WorkloadCredentials(
                ME, TrustBundle.of(MESH.ca().certificate(), FOREIGN.ca().certificate()), null));

        assertThat(adoption.adopt(trusting(FOREIGN, MESH), () -> "test")).isSameAs(agentTrust);
    }

    @Test
    void adoptsTrustManagerOverTheKeyStoreOfTheWorkloadKeyAndTheBundle() throws Exception {
        Path p12 = dir.resolve("keystore.p12");
        KeyStoreWriter.writePkcs12(p12, ME, TrustBundle.of(MESH.ca().certificate()), "changeit".toCharArray());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            store.load(in, "changeit".toCharArray());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        X509TrustManager keyStoreAsTrustStore = (X509TrustManager) factory.getTrustManagers()[0];
        assertThat(keyStoreAsTrustStore.getAcceptedIssuers()).contains(ME.certificate());

        assertThat(adoption.adopt(keyStoreAsTrustStore, () -> "test")).isSameAs(agentTrust);
    }

    @Test
    void leavesTrustManagerOverTheBundleAndAForeignLeafAlone() throws Exception {
        X509TrustManager bundleAndStranger =
                trustManagerOver(new X509Certificate[] {MESH.ca().certificate(), STRANGER.certificate()});

        assertThat(adoption.adopt(bundleAndStranger, () -> "test")).isSameAs(bundleAndStranger);
    }

    @Test
    void leavesTrustManagerOverTheBundleAndMoreAlone() throws Exception {
        X509TrustManager bundleAndPublic = trusting(MESH, PUBLIC);

        assertThat(adoption.adopt(bundleAndPublic, () -> "test")).isSameAs(bundleAndPublic);
    }

    @Test
    void leavesTrustManagerOverPartOfTheBundleAlone() throws Exception {
        current.set(new WorkloadCredentials(
                ME, TrustBundle.of(MESH.ca().certificate(), FOREIGN.ca().certificate()), null));
        X509TrustManager onlyOne = trusting(MESH);

        assertThat(adoption.adopt(onlyOne, () -> "test")).isSameAs(onlyOne);
    }

    @Test
    void leavesTheJdkDefaultTrustManagerAlone() throws Exception {
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init((KeyStore) null);
        X509TrustManager cacerts = (X509TrustManager) factory.getTrustManagers()[0];

        assertThat(adoption.adopt(cacerts, () -> "test")).isSameAs(cacerts);
    }

    @Test
    void leavesTrustManagerThatAcceptsNoIssuersAlone() {
        X509TrustManager acceptsNone = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };

        assertThat(adoption.adopt(acceptsNone, () -> "test")).isSameAs(acceptsNone);
    }

    // ---- both, as SSLContext.init passes them ----

    @Test
    void decidesEachManagerOnItsOwnAndKeepsTheOrder() throws Exception {
        X509KeyManager foreign = keyManager(STRANGER);
        X509KeyManager mesh = keyManager(ME);
        X509TrustManager publicCas = trusting(PUBLIC);
        X509TrustManager bundle = trusting(MESH);

        MountedMaterialAdoption.Adoption decided =
                adoption.decide(new KeyManager[] {foreign, mesh}, new TrustManager[] {publicCas, bundle});

        assertThat(decided.keyManagers()).containsExactly(foreign, agentKeys);
        assertThat(decided.trustManagers()).containsExactly(publicCas, agentTrust);
        assertThat(decided.adopted()).hasSize(2);
        assertThat(decided.leftAlone()).hasSize(2);
    }

    @Test
    void theAgentsOwnManagersAreNeitherAdoptedNorReported() {
        MountedMaterialAdoption.Adoption decided =
                adoption.decide(new KeyManager[] {agentKeys}, new TrustManager[] {agentTrust});

        assertThat(decided.adoptedAny()).isFalse();
        assertThat(decided.leftAlone()).isEmpty();
    }

    @Test
    void nullArraysStayNull() {
        MountedMaterialAdoption.Adoption decided = adoption.decide(null, null);

        assertThat(decided.keyManagers()).isNull();
        assertThat(decided.trustManagers()).isNull();
    }

    @Test
    void anAdoptedContextBecomesManagedAndPresentsTheRotatedCertificate() throws Exception {
        ManagedContexts managed = new ManagedContexts(
                () -> Optional.ofNullable(current.get()), agentKeys, agentTrust, new ClientAuthPolicy(Mode.STRICT));
        SSLContext context = SSLContext.getInstance("TLS", "SunJSSE");

        MeshlessBridge.Managers replaced =
                managed.onInit(context, null, new KeyManager[] {keyManager(ME)}, new TrustManager[] {trusting(MESH)});

        assertThat(replaced.keyManagers()).containsExactly(agentKeys);
        assertThat(replaced.trustManagers()).containsExactly(agentTrust);
        assertThat(managed.isManaged(context)).isTrue();
    }

    @Test
    void aContextWithTheWorkloadKeyBesideAnotherKeyIsManaged() throws Exception {
        ManagedContexts managed = new ManagedContexts(
                () -> Optional.ofNullable(current.get()), agentKeys, agentTrust, new ClientAuthPolicy(Mode.STRICT));
        SSLContext context = SSLContext.getInstance("TLS", "SunJSSE");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("mesh", ME.privateKey(), new char[0], ME.chainArray());
        store.setKeyEntry("site", STRANGER.privateKey(), new char[0], STRANGER.chainArray());
        TrustManager publicCas = trusting(PUBLIC);

        MeshlessBridge.Managers replaced =
                managed.onInit(context, null, new KeyManager[] {keyManagerOver(store)}, new TrustManager[] {publicCas});

        assertThat(replaced.keyManagers()).singleElement().isInstanceOf(MeshAliasKeyManager.class);
        assertThat(replaced.trustManagers()).containsExactly(publicCas);
        assertThat(managed.isManaged(context))
                .as("its servers ask clients as the mode demands")
                .isTrue();
    }

    @Test
    void aContextOfForeignMaterialStaysTheApplications() throws Exception {
        ManagedContexts managed = new ManagedContexts(
                () -> Optional.ofNullable(current.get()), agentKeys, agentTrust, new ClientAuthPolicy(Mode.STRICT));
        SSLContext context = SSLContext.getInstance("TLS", "SunJSSE");
        KeyManager foreign = keyManager(STRANGER);
        TrustManager publicCas = trusting(PUBLIC);

        MeshlessBridge.Managers replaced =
                managed.onInit(context, null, new KeyManager[] {foreign}, new TrustManager[] {publicCas});

        assertThat(replaced.keyManagers()).containsExactly(foreign);
        assertThat(replaced.trustManagers()).containsExactly(publicCas);
        assertThat(managed.isManaged(context)).isFalse();
    }

    @Test
    void managedContextsAdoptTheKeyOfTheLeafTheyRetired() throws Exception {
        ManagedContexts managed = new ManagedContexts(
                () -> Optional.ofNullable(current.get()), agentKeys, agentTrust, new ClientAuthPolicy(Mode.STRICT));
        X509KeyManager loadedBeforeTheSwap = keyManager(ME);
        current.set(new WorkloadCredentials(ME_RENEWED, TrustBundle.of(MESH.ca().certificate()), null));
        managed.retire(ME.certificate());

        assertThat(managed.adoption().adopt(loadedBeforeTheSwap, () -> "test")).isSameAs(agentKeys);
    }

    // ---- helpers: what frameworks do with the mounted files ----

    private static String pem(io.meshless.testing.TestPki ca) {
        return io.meshless.pki.Pem.encode(ca.ca().certificate());
    }

    /** As Netty and Spring Boot read tls.key: PKCS#8 PEM through the JDK's KeyFactory. */
    private static PrivateKey parsePemKey(String pem) throws Exception {
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private static X509Certificate[] parsePemChain(String pem) throws Exception {
        try (InputStream in = new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))) {
            Collection<? extends Certificate> all =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            return all.toArray(new X509Certificate[0]);
        }
    }

    private static X509KeyManager keyManagerOver(PrivateKey key, X509Certificate[] chain, String type)
            throws Exception {
        KeyStore store = KeyStore.getInstance(type);
        store.load(null, null);
        store.setKeyEntry("key", key, new char[0], chain);
        return keyManagerOver(store);
    }

    private static X509KeyManager keyManagerOver(KeyStore store) throws Exception {
        KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
        factory.init(store, new char[0]);
        return (X509KeyManager) factory.getKeyManagers()[0];
    }

    private static X509KeyManager keyManagerFrom(Path file, String type, String algorithm) throws Exception {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(algorithm);
        factory.init(store, "changeit".toCharArray());
        return (X509KeyManager) factory.getKeyManagers()[0];
    }

    private static X509TrustManager trustManagerOver(X509Certificate[] anchors) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < anchors.length; i++) {
            store.setCertificateEntry("ca-" + i, anchors[i]);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        return (X509TrustManager) factory.getTrustManagers()[0];
    }

    private static final class BrokenKeyManager implements X509KeyManager {
        @Override
        public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
            throw new IllegalStateException("broken");
        }

        @Override
        public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            return null;
        }

        @Override
        public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
            throw new IllegalStateException("broken");
        }

        @Override
        public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return null;
        }
    }
}
