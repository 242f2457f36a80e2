package io.meshless.agent.tls;

import static io.meshless.agent.tls.TestIdentities.FOREIGN;
import static io.meshless.agent.tls.TestIdentities.MESH;
import static io.meshless.agent.tls.TestIdentities.PUBLIC;
import static io.meshless.agent.tls.TestIdentities.context;
import static io.meshless.agent.tls.TestIdentities.credentials;
import static io.meshless.agent.tls.TestIdentities.dnsLeaf;
import static io.meshless.agent.tls.TestIdentities.keyManager;
import static io.meshless.agent.tls.TestIdentities.leaf;
import static io.meshless.agent.tls.TestIdentities.trusting;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.pki.HeldCertificate;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.PeerPolicy;
import io.meshless.pki.SpiffeId;
import io.meshless.pki.TrustBundle;
import io.meshless.pki.WorkloadCredentials;
import io.meshless.testing.TestPki;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;

class MeshTrustManagerTest {
    private static final String ORDERS = "spiffe://cluster.local/ns/shop/sa/orders";
    private static final String PAYMENTS = "spiffe://cluster.local/ns/pay/sa/payments";
    private static final HeldCertificate ME = leaf(MESH, ORDERS);

    private final AtomicReference<WorkloadCredentials> current = new AtomicReference<>(credentials(ME, MESH));
    private final SecurelyNamedServers securelyNamed = new SecurelyNamedServers();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<String> logged = new CopyOnWriteArrayList<>();

    private MeshTrustManager trustManager(PeerPolicy peers, boolean trustSystemCas) {
        return new MeshTrustManager(
                () -> Optional.ofNullable(current.get()),
                peers,
                trustSystemCas ? () -> trusting(PUBLIC) : null,
                "/test/certs",
                securelyNamed,
                new RefusalLog(clock, logged::add));
    }

    /** Our own certificate names no SPIFFE ID, only a CN, as openssl-made certificates do. */
    private void ownCertificateWithoutSpiffeId() {
        current.set(credentials(dnsLeaf(MESH, "server.mybank.com"), MESH));
    }

    /** The agent's side is the client calling {@code host}; the server presents {@code serverIdentity}. */
    private Optional<SSLException> callServer(MeshTrustManager ours, HeldCertificate serverIdentity, String host)
            throws Exception {
        SSLEngine client = context(keyManager(ME), ours).createSSLEngine(host, 443);
        client.setUseClientMode(true);
        SSLParameters parameters = client.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        client.setSSLParameters(parameters);
        SSLEngine server = context(keyManager(serverIdentity), trusting(MESH)).createSSLEngine();
        server.setUseClientMode(false);
        return InMemoryHandshake.run(client, server);
    }

    /** The agent's side is a server requiring client certificates; the client presents {@code clientIdentity}. */
    private Optional<SSLException> acceptClient(MeshTrustManager ours, HeldCertificate clientIdentity)
            throws Exception {
        SSLEngine server = context(keyManager(ME), ours).createSSLEngine();
        server.setUseClientMode(false);
        server.setNeedClientAuth(true);
        SSLEngine client = context(TestIdentities.presentingAlways(clientIdentity), trusting(MESH))
                .createSSLEngine("orders", 443);
        client.setUseClientMode(true);
        return InMemoryHandshake.run(client, server);
    }

    private static String causes(Optional<SSLException> failure) {
        assertThat(failure).as("handshake should have been refused").isPresent();
        StringBuilder b = new StringBuilder();
        for (Throwable t = failure.get(); t != null; t = t.getCause()) {
            b.append(t.getMessage()).append(" | ");
        }
        return b.toString();
    }

    @Test
    void acceptsMeshServerBySpiffeIdAtAHostNameNoCertificateNames() throws Exception {
        assertThat(callServer(trustManager(null, true), leaf(MESH, PAYMENTS), "payments.pay.svc.cluster.local"))
                .isEmpty();
    }

    @Test
    void recordsServerAuthorizedBySpiffeIdForTheLibrariesHostNameChecks() throws Exception {
        HeldCertificate payments = leaf(MESH, PAYMENTS);

        assertThat(callServer(trustManager(null, true), payments, "payments.pay.svc.cluster.local"))
                .isEmpty();

        assertThat(securelyNamed.includes(payments.certificate())).isTrue();
    }

    @Test
    void recordsNoServerThatKeepsHostNameVerification() throws Exception {
        HeldCertificate legacy = dnsLeaf(MESH, "legacy.shop.svc");
        HeldCertificate web = dnsLeaf(PUBLIC, "www.example.test");

        assertThat(callServer(trustManager(null, true), legacy, "legacy.shop.svc"))
                .isEmpty();
        assertThat(callServer(trustManager(null, true), web, "www.example.test"))
                .isEmpty();

        assertThat(securelyNamed.size()).isZero();
    }

    @Test
    void recordsNoServerOutsideAllowedPeersNorAnyClient() throws Exception {
        MeshTrustManager ours = trustManager(PeerPolicy.parse("spiffe://cluster.local/ns/shop/*"), true);

        assertThat(callServer(ours, leaf(MESH, PAYMENTS), "payments")).isPresent();
        assertThat(callServer(ours, leaf(FOREIGN, ORDERS), "orders")).isPresent();
        assertThat(acceptClient(ours, leaf(MESH, "spiffe://cluster.local/ns/shop/sa/cart")))
                .isEmpty();

        assertThat(securelyNamed.size()).isZero();
    }

    @Test
    void refusesServerFromForeignCa() throws Exception {
        String reason = causes(callServer(trustManager(null, false), leaf(FOREIGN, PAYMENTS), "payments"));

        assertThat(reason).contains("does not chain to the mesh trust bundle").contains("trust-system-cas is false");
    }

    @Test
    void refusesForeignServerThatSystemCasDoNotKnowEither() throws Exception {
        String reason = causes(callServer(trustManager(null, true), leaf(FOREIGN, PAYMENTS), "payments"));

        assertThat(reason).contains("nor is it accepted by the JDK's CAs");
    }

    @Test
    void refusesMeshServerOutsideAllowedPeers() throws Exception {
        MeshTrustManager ours = trustManager(PeerPolicy.parse("spiffe://cluster.local/ns/shop/*"), true);

        String reason = causes(callServer(ours, leaf(MESH, PAYMENTS), "payments"));

        assertThat(reason).contains(PAYMENTS + " is not in allowed-peers");
    }

    @Test
    void refusesMeshServerFromAnotherTrustDomainByDefault() throws Exception {
        String reason =
                causes(callServer(trustManager(null, true), leaf(MESH, "spiffe://other.domain/ns/x/sa/y"), "x"));

        assertThat(reason).contains("spiffe://other.domain/ns/x/sa/y is not in allowed-peers");
    }

    @Test
    void meshServerWithoutSpiffeIdGetsHostNameVerification() throws Exception {
        HeldCertificate server = dnsLeaf(MESH, "legacy.shop.svc");

        assertThat(callServer(trustManager(null, true), server, "legacy.shop.svc"))
                .isEmpty();
        assertThat(causes(callServer(trustManager(null, true), server, "elsewhere.shop.svc")))
                .contains("has no SPIFFE ID, and host-name verification failed");
    }

    @Test
    void systemCaServerGetsOrdinaryHostNameVerification() throws Exception {
        HeldCertificate web = dnsLeaf(PUBLIC, "www.example.test");

        assertThat(callServer(trustManager(null, true), web, "www.example.test"))
                .isEmpty();
        assertThat(causes(callServer(trustManager(null, true), web, "evil.example.test")))
                .contains("nor is it accepted by the JDK's CAs");
    }

    @Test
    void systemCaServerIsRefusedWhenTrustSystemCasIsFalse() throws Exception {
        String reason =
                causes(callServer(trustManager(null, false), dnsLeaf(PUBLIC, "www.example.test"), "www.example.test"));

        assertThat(reason).contains("trust-system-cas is false");
    }

    @Test
    void refusesExpiredMeshServer() throws Exception {
        HeldCertificate expired = MESH.issue(LeafSpec.builder()
                .spiffeId(SpiffeId.parse(PAYMENTS))
                .notBefore(Instant.now().minus(Duration.ofHours(3)))
                .lifetime(Duration.ofHours(1))
                .build());

        String reason = causes(callServer(trustManager(null, false), expired, "payments"));

        assertThat(reason).contains("does not chain to the mesh trust bundle");
    }

    @Test
    void failsClosedWithoutCredentials() throws Exception {
        current.set(null);
        MeshTrustManager ours = trustManager(null, false);

        assertThat(causes(callServer(ours, leaf(MESH, PAYMENTS), "payments")))
                .contains("no workload credentials are loaded from /test/certs");
        assertThat(ours.getAcceptedIssuers()).isEmpty();
    }

    @Test
    void acceptsMeshClientInTrustDomain() throws Exception {
        assertThat(acceptClient(trustManager(null, true), leaf(MESH, PAYMENTS))).isEmpty();
    }

    @Test
    void refusesClientFromForeignCaEvenWhenSystemCasAreTrusted() throws Exception {
        String reason = causes(acceptClient(trustManager(null, true), leaf(FOREIGN, PAYMENTS)));

        assertThat(reason).contains("does not chain to the ca.crt bundle");
    }

    @Test
    void refusesClientOutsideAllowedPeers() throws Exception {
        MeshTrustManager ours = trustManager(PeerPolicy.parse(ORDERS), true);

        assertThat(causes(acceptClient(ours, leaf(MESH, PAYMENTS)))).contains(PAYMENTS + " is not in allowed-peers");
    }

    @Test
    void refusesClientWithoutSpiffeId() throws Exception {
        assertThat(causes(acceptClient(trustManager(null, true), dnsLeaf(MESH, "client.example"))))
                .contains("has no SPIFFE ID");
    }

    @Test
    void verifiesClientsAgainstClientCaWhenPresent() throws Exception {
        TestPki clientCa = TestPki.builder().name("client root").build();
        current.set(new WorkloadCredentials(
                ME,
                TrustBundle.of(MESH.ca().certificate()),
                TrustBundle.of(clientCa.ca().certificate())));
        MeshTrustManager ours = trustManager(null, false);

        assertThat(causes(acceptClient(ours, leaf(MESH, PAYMENTS))))
                .contains("does not chain to the client-ca.crt bundle");
        // The client-CA client presents a chain the server verifies; the client itself trusts MESH for the server.
        assertThat(acceptClient(ours, leaf(clientCa, PAYMENTS))).isEmpty();
        assertThat(ours.getAcceptedIssuers())
                .extracting(X509Certificate::getSubjectX500Principal)
                .containsExactly(clientCa.ca().certificate().getSubjectX500Principal());
    }

    @Test
    void followsTheCurrentSnapshotWhenTheBundleRotates() throws Exception {
        MeshTrustManager ours = trustManager(null, false);
        HeldCertificate payments = leaf(MESH, PAYMENTS);
        assertThat(callServer(ours, payments, "payments")).isEmpty();

        // A new bundle that no longer contains the old CA: the next handshake uses it.
        current.set(new WorkloadCredentials(
                leaf(FOREIGN, ORDERS), TrustBundle.of(FOREIGN.ca().certificate()), null));

        assertThat(causes(callServer(ours, payments, "payments"))).contains("does not chain to the mesh trust bundle");
    }

    @Test
    void neverTrustsEverything() {
        X509ExtendedTrustManager ours = trustManager(null, true);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ours.checkServerTrusted(new X509Certificate[0], "EC"))
                .hasMessageContaining("sent no certificate");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ours.checkClientTrusted(null, "EC"))
                .hasMessageContaining("sent no certificate");
    }

    @Test
    void admitsEveryClientChainingToTheBundleWhenTheOwnCertificateHasNoSpiffeId() throws Exception {
        ownCertificateWithoutSpiffeId();
        MeshTrustManager ours = trustManager(null, false);

        assertThat(acceptClient(ours, dnsLeaf(MESH, "client.mybank.com"))).isEmpty();
        assertThat(acceptClient(ours, leaf(MESH, PAYMENTS))).isEmpty();
        assertThat(causes(acceptClient(ours, dnsLeaf(FOREIGN, "client.mybank.com"))))
                .contains("does not chain to the ca.crt bundle");
    }

    @Test
    void keepsTheOwnTrustDomainAsDefaultForSpiffeWorkloads() throws Exception {
        assertThat(causes(acceptClient(trustManager(null, false), leaf(MESH, "spiffe://other.domain/ns/x/sa/y"))))
                .contains("spiffe://other.domain/ns/x/sa/y is not in allowed-peers");
    }

    @Test
    void admitsClientsByCommonNameRegexDistinguishedNameOrDnsName() throws Exception {
        ownCertificateWithoutSpiffeId();
        HeldCertificate client = dnsLeaf(MESH, "client7.mybank.com");

        assertThat(acceptClient(trustManager(PeerPolicy.parse("cn:~client[0-9]+\\.mybank\\.com"), false), client))
                .isEmpty();
        assertThat(acceptClient(trustManager(PeerPolicy.parse("dn:CN=client7.mybank.com"), false), client))
                .isEmpty();
        assertThat(acceptClient(trustManager(PeerPolicy.parse("dns:*.mybank.com"), false), client))
                .isEmpty();
        assertThat(causes(acceptClient(trustManager(PeerPolicy.parse("cn:client.mybank.com"), false), client)))
                .contains("CN=client7.mybank.com is not in allowed-peers");
        assertThat(causes(acceptClient(trustManager(PeerPolicy.parse("cn:~client\\.mybank\\.com"), false), client)))
                .contains("is not in allowed-peers");
    }

    @Test
    void appliesConfiguredAllowedPeersToMeshServersWithoutSpiffeIdBesidesTheirHostName() throws Exception {
        HeldCertificate legacy = dnsLeaf(MESH, "legacy.shop.svc");

        assertThat(callServer(trustManager(PeerPolicy.parse("dns:legacy.shop.svc"), false), legacy, "legacy.shop.svc"))
                .isEmpty();
        assertThat(causes(callServer(trustManager(PeerPolicy.parse("cn:other"), false), legacy, "legacy.shop.svc")))
                .contains("CN=legacy.shop.svc is not in allowed-peers");
    }

    @Test
    void logsEachRefusalWithSideIdentityIssuerAndReason() throws Exception {
        ownCertificateWithoutSpiffeId();
        HeldCertificate stranger = dnsLeaf(FOREIGN, "client.mybank.com");

        acceptClient(trustManager(null, false), stranger);
        callServer(trustManager(PeerPolicy.parse(ORDERS), false), leaf(MESH, PAYMENTS), "payments");

        assertThat(logged).hasSize(2);
        assertThat(logged.get(0))
                .startsWith("refused inbound peer CN=client.mybank.com (serial "
                        + stranger.certificate().getSerialNumber().toString(16) + ", issuer CN=foreign root)")
                .contains(": " + RefusalReason.UNTRUSTED_ISSUER.text() + " (");
        assertThat(logged.get(1))
                .startsWith("refused outbound peer " + PAYMENTS)
                .contains("from payments:443: " + RefusalReason.NOT_IN_ALLOWED_PEERS.text());
        assertThat(String.join("\n", logged)).doesNotContain("BEGIN", "MII");
    }

    @Test
    void logsExpiredPeersAsExpired() throws Exception {
        HeldCertificate expired = MESH.issue(LeafSpec.builder()
                .spiffeId(SpiffeId.parse(PAYMENTS))
                .notBefore(Instant.now().minus(Duration.ofHours(3)))
                .lifetime(Duration.ofHours(1))
                .build());

        acceptClient(trustManager(null, false), expired);

        assertThat(logged).singleElement().asString().contains(": " + RefusalReason.EXPIRED.text() + " (");
    }

    @Test
    void logsARepeatedRefusalOnceAMinuteWithTheNumberNotLogged() throws Exception {
        MeshTrustManager ours = trustManager(PeerPolicy.parse(ORDERS), false);
        HeldCertificate payments = leaf(MESH, PAYMENTS);

        acceptClient(ours, payments);
        acceptClient(ours, payments);
        acceptClient(ours, payments);
        assertThat(logged).hasSize(1);

        clock.advance(RefusalLog.WINDOW);
        acceptClient(ours, payments);

        assertThat(logged).hasSize(2);
        assertThat(logged.get(1)).contains("; 2 more like it were not logged");
    }

    @Test
    void escapesControlCharactersOfPeerCertificatesInLogLines() throws Exception {
        HeldCertificate forged = FOREIGN.issue(LeafSpec.builder()
                .commonName("evil\nrefused inbound peer forged")
                .build());

        acceptClient(trustManager(null, false), forged);

        assertThat(logged)
                .singleElement()
                .asString()
                .contains("CN=evil\\nrefused")
                .doesNotContain("\n");
    }

    /** A clock the test moves by hand. */
    private static final class MutableClock extends java.time.Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
