package io.meshless.agent.tls;

import static io.meshless.agent.tls.TestIdentities.MESH;
import static io.meshless.agent.tls.TestIdentities.PUBLIC;
import static io.meshless.agent.tls.TestIdentities.context;
import static io.meshless.agent.tls.TestIdentities.trusting;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyType;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.SpiffeId;
import io.meshless.pki.TrustBundle;
import io.meshless.pki.WorkloadCredentials;
import io.meshless.pki.reload.ReloadingKeyManager;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509KeyManager;
import org.junit.jupiter.api.Test;

/**
 * A key store with the workload key and a public certificate for another host name (one PKCS#12, two aliases), as a
 * JDK server chooses between them by SNI: the other name keeps its own certificate, the mesh name and clients without
 * SNI get the current workload certificate, across rotations. Real JDK engines, in memory. RSA keys: the JDK's PKIX key
 * manager ranks EC server certificates without the keyAgreement key usage as mismatches before it looks at SNI, so it
 * chooses among EC certificates by order, not by name (with or without the agent).
 */
class MeshAliasKeyManagerTest {
    private static final String MESH_NAME = "orders.shop.svc.cluster.local";
    private static final String PUBLIC_NAME = "shop.example.com";
    private static final SpiffeId ORDERS = SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/orders");

    private static final HeldCertificate ME = meshLeaf();
    private static final HeldCertificate ME_RENEWED = meshLeaf();
    private static final HeldCertificate SITE = PUBLIC.issue(LeafSpec.builder()
            .dnsName(PUBLIC_NAME)
            .commonName(PUBLIC_NAME)
            .keyType(KeyType.RSA_2048)
            .build());

    private final AtomicReference<WorkloadCredentials> current = new AtomicReference<>(credentials(ME));
    private final ReloadingKeyManager agentKeys = new ReloadingKeyManager(() -> Optional.ofNullable(current.get()));
    private final List<X509Certificate> retired = new ArrayList<>();
    private final MountedMaterialAdoption adoption = new MountedMaterialAdoption(
            () -> Optional.ofNullable(current.get()),
            () -> retired,
            agentKeys,
            new MeshTrustManager(() -> Optional.ofNullable(current.get()), null, null, "/test/certs"));

    @Test
    void adoptsOnlyTheAliasOfTheWorkloadKeyAndSaysTheOtherStays() throws Exception {
        X509KeyManager both = keyStoreWith(ME, SITE);

        MountedMaterialAdoption.Adoption decided = adoption.decide(new KeyManager[] {both}, null);

        assertThat(decided.keyManagers()).singleElement().isInstanceOf(MeshAliasKeyManager.class);
        assertThat(decided.adopted())
                .singleElement()
                .asString()
                .containsPattern("alias '[0-9.]*mesh'")
                .containsPattern("'[0-9.]*site'")
                .contains("stay the application's");
    }

    @Test
    void theOtherHostNameKeepsItsOwnCertificate() throws Exception {
        KeyManager server = adopted(keyStoreWith(ME, SITE));

        assertThat(presented(server, PUBLIC_NAME)).isEqualTo(SITE.certificate());
    }

    @Test
    void theMeshNameGetsTheWorkloadCertificateAndAfterARotationTheNewOne() throws Exception {
        KeyManager server = adopted(keyStoreWith(ME, SITE));

        assertThat(presented(server, MESH_NAME)).isEqualTo(ME.certificate());

        rotateTo(ME_RENEWED);

        assertThat(presented(server, MESH_NAME)).isEqualTo(ME_RENEWED.certificate());
        assertThat(presented(server, PUBLIC_NAME)).isEqualTo(SITE.certificate());
    }

    @Test
    void aClientWithoutSniGetsTheCurrentWorkloadCertificate() throws Exception {
        KeyManager server = adopted(keyStoreWith(SITE, ME));
        rotateTo(ME_RENEWED);

        assertThat(presented(server, null)).isEqualTo(ME_RENEWED.certificate());
    }

    @Test
    void anExpiredCopyOfTheWorkloadCertificateDoesNotHandTheMeshNameToTheOtherKey() throws Exception {
        // The application's copy of the mesh certificate has expired; the JDK key manager then ranks the valid
        // certificate for the other name first, whatever the SNI.
        HeldCertificate expired = expiredMeshLeaf();
        current.set(credentials(expired));
        KeyManager server = adopted(keyStoreWith(expired, SITE));
        rotateTo(ME_RENEWED);

        assertThat(presented(server, MESH_NAME)).isEqualTo(ME_RENEWED.certificate());
        assertThat(presented(server, PUBLIC_NAME)).isEqualTo(SITE.certificate());
    }

    @Test
    void listsTheOtherAliasAndTheAgentsCurrentOneInsteadOfTheStaleCopy() throws Exception {
        MeshAliasKeyManager server = (MeshAliasKeyManager) adopted(keyStoreWith(ME, SITE));

        String[] aliases = server.getServerAliases("RSA", null);

        assertThat(aliases).hasSize(2).contains(agentKeys.currentAlias().orElseThrow());
        assertThat(server.getServerAliases("EC", null))
                .as("no key of that type")
                .isNull();
        assertThat(List.of(aliases))
                .filteredOn(alias -> !alias.startsWith(ReloadingKeyManager.ALIAS_PREFIX))
                .singleElement()
                .satisfies(alias ->
                        assertThat(server.getCertificateChain(alias)[0]).isEqualTo(SITE.certificate()));
    }

    @Test
    void aKeyStoreOfOnlyWorkloadKeysIsReplacedWhole() throws Exception {
        retired.add(ME.certificate());
        rotateTo(ME_RENEWED);

        assertThat(adopted(keyStoreWith(ME, ME_RENEWED))).isSameAs(agentKeys);
    }

    @Test
    void aKeyStoreWithoutTheWorkloadKeyStaysTheApplications() throws Exception {
        X509KeyManager onlySite = keyStoreWith(SITE);

        assertThat(adopted(onlySite)).isSameAs(onlySite);
    }

    @Test
    void matchesServerNamesAgainstDnsNamesAndOneLabelWildcards() {
        HeldCertificate wildcard = PUBLIC.issue(
                LeafSpec.builder().dnsName("*.example.com").commonName("wild").build());

        assertThat(MeshAliasKeyManager.namesAny(wildcard.certificate(), List.of("shop.example.com")))
                .isTrue();
        assertThat(MeshAliasKeyManager.namesAny(wildcard.certificate(), List.of("a.shop.example.com")))
                .isFalse();
        assertThat(MeshAliasKeyManager.namesAny(wildcard.certificate(), List.of("example.com")))
                .isFalse();
        assertThat(MeshAliasKeyManager.namesAny(SITE.certificate(), List.of("SHOP.example.com".toLowerCase())))
                .isTrue();
        assertThat(MeshAliasKeyManager.namesAny(ME.certificate(), List.of(PUBLIC_NAME)))
                .isFalse();
    }

    // ---- helpers ----

    private KeyManager adopted(X509KeyManager applications) {
        return adoption.decide(new KeyManager[] {applications}, null).keyManagers()[0];
    }

    private void rotateTo(HeldCertificate next) {
        retired.add(current.get().identity().certificate());
        current.set(credentials(next));
    }

    /** The leaf the server presents to a client that asks for {@code serverName} by SNI (null: no SNI). */
    private static X509Certificate presented(KeyManager serverKeys, String serverName) throws Exception {
        SSLEngine server = context(serverKeys, trusting(MESH)).createSSLEngine();
        server.setUseClientMode(false);
        SSLEngine client = context(null, trusting(MESH, PUBLIC)).createSSLEngine("127.0.0.1", 443);
        client.setUseClientMode(true);
        SSLParameters parameters = client.getSSLParameters();
        parameters.setServerNames(serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
        client.setSSLParameters(parameters);

        assertThat(InMemoryHandshake.run(client, server)).isEmpty();
        return (X509Certificate) client.getSession().getPeerCertificates()[0];
    }

    /** One PKCS#12 with aliases "mesh" (certificates of the mesh CA) and "site", through the PKIX key manager. */
    private static X509KeyManager keyStoreWith(HeldCertificate... entries) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int mesh = 0;
        for (HeldCertificate entry : entries) {
            boolean isMesh = entry.certificate()
                    .getIssuerX500Principal()
                    .equals(MESH.ca().certificate().getSubjectX500Principal());
            String alias = isMesh ? (mesh++ == 0 ? "mesh" : "mesh-" + mesh) : "site";
            store.setKeyEntry(alias, entry.privateKey(), new char[0], entry.chainArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
        factory.init(store, new char[0]);
        return (X509KeyManager) factory.getKeyManagers()[0];
    }

    private static WorkloadCredentials credentials(HeldCertificate identity) {
        return new WorkloadCredentials(identity, TrustBundle.of(MESH.ca().certificate()), null);
    }

    private static HeldCertificate meshLeaf() {
        return MESH.issue(LeafSpec.builder()
                .spiffeId(ORDERS)
                .dnsName(MESH_NAME)
                .keyType(KeyType.RSA_2048)
                .build());
    }

    /** Valid for one day from two days ago. */
    private static HeldCertificate expiredMeshLeaf() {
        return MESH.issue(LeafSpec.builder()
                .spiffeId(ORDERS)
                .dnsName(MESH_NAME)
                .keyType(KeyType.RSA_2048)
                .notBefore(Instant.now().minus(Duration.ofDays(2)))
                .lifetime(Duration.ofDays(1))
                .build());
    }
}
