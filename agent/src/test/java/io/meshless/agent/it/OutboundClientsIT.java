package io.meshless.agent.it;

import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.it.support.Nginx;
import io.meshless.agent.it.support.NginxReport;
import io.meshless.agent.it.support.OpensslServer;
import io.meshless.pki.SpiffeId;
import io.meshless.testing.PemFiles;
import io.meshless.testing.TestPki;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every client program, unmodified, under the real agent on JDK 17 and 25, against real nginx
 * and openssl peers. One child JVM per program and JDK makes all the requests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboundClientsIT {

    private static final SpiffeId CLIENT = TestPki.id("shop", "checkout");

    @TempDir
    static Path work;

    private final List<AutoCloseable> peers = new ArrayList<>();
    private Nginx meshServer;
    private Nginx foreignServer;
    private Nginx spiffeOnlyServer;
    private Nginx paymentsServer;
    private OpensslServer opensslServer;
    private Path certDir;

    @BeforeAll
    void startPeers() {
        TestPki pki = TestPki.create();
        Path caFile = PemFiles.writeBundle(work, "mesh-ca", pki.bundle());
        PemFiles mesh = PemFiles.write(work, "nginx", pki.leaf(TestPki.id("shop", "nginx")));
        PemFiles foreign = PemFiles.write(work, "foreign", pki.foreign().leaf(TestPki.id("shop", "nginx")));
        PemFiles spiffeOnly = PemFiles.write(work, "spiffe-only", pki.spiffeIdOnly(TestPki.id("shop", "orders")));
        meshServer = started(Nginx.start(work, mesh.cert(), mesh.key(), caFile));
        foreignServer = started(Nginx.start(work, foreign.cert(), foreign.key(), caFile));
        spiffeOnlyServer = started(Nginx.start(work, spiffeOnly.cert(), spiffeOnly.key(), caFile));
        PemFiles payments = PemFiles.write(work, "payments", pki.spiffeIdOnly(TestPki.id("payments", "api")));
        paymentsServer = started(Nginx.start(work, payments.cert(), payments.key(), caFile));
        opensslServer = started(OpensslServer.start(mesh.cert(), mesh.key(), caFile));
        certDir = work.resolve("certs");
        TestPki.volume(certDir, pki.spiffeIdOnly(CLIENT), pki.bundle(), null);
    }

    private <T extends AutoCloseable> T started(T peer) {
        peers.add(peer);
        return peer;
    }

    @AfterAll
    void stopPeers() throws Exception {
        for (AutoCloseable peer : peers) {
            peer.close();
        }
    }

    static Stream<Arguments> programs() {
        return Jdk.both().stream()
                .flatMap(jdk -> Stream.of(ClientProgram.values()).map(p -> Arguments.of(jdk, p)));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("programs")
    void presentsWorkloadCertificateAndRefusesForeignServer(Jdk jdk, ClientProgram program) {
        try (ChildJvm app = program.start(jdk, "cert-dir=" + certDir + ",mode=strict")) {
            SoftAssertions softly = new SoftAssertions();

            String toNginx = app.request(meshServer.url());
            softly.assertThat(toNginx).as("request to nginx\n%s", app.output()).startsWith("OK 200");
            if (toNginx.startsWith("OK 200")) {
                NginxReport report = NginxReport.parse(toNginx);
                softly.assertThat(report.verify())
                        .as("nginx $ssl_client_verify (%s)", report)
                        .isEqualTo("SUCCESS");
                softly.assertThat(report.clientSpiffeId())
                        .as("client identity nginx saw")
                        .contains(CLIENT);
            }

            if (program.readsUntilClose()) {
                String toOpenssl = app.request(opensslServer.url());
                softly.assertThat(toOpenssl)
                        .as("request to openssl s_server -Verify\n%s", opensslServer.output())
                        .startsWith("OK 200")
                        .contains("Client certificate")
                        .contains(CLIENT.toString());
            }

            String toForeign = app.request(foreignServer.url());
            softly.assertThat(toForeign)
                    .as("request to a server from a foreign CA")
                    .startsWith("FAIL")
                    .containsIgnoringCase("SSLHandshakeException");

            // Secure naming: the certificate names only spiffe://cluster.local/ns/shop/sa/orders.
            for (String host : List.of("127.0.0.1", "localhost")) {
                String bySpiffeId = app.request(spiffeOnlyServer.url(host));
                softly.assertThat(bySpiffeId)
                        .as("secure naming via %s\n%s", host, app.output())
                        .startsWith("OK 200");
                if (bySpiffeId.startsWith("OK 200")) {
                    softly.assertThat(NginxReport.parse(bySpiffeId).verify()).isEqualTo("SUCCESS");
                }
            }
            softly.assertAll();
        }
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("io.meshless.agent.it.ClientProgram#hostNameCheckersOnBothJdks")
    void refusesServerOutsideAllowedPeers(Jdk jdk, ClientProgram program) {
        // Only ns/payments is allowed. Both servers name just their SPIFFE ID, so the library's host-name
        // check would refuse them too: secure naming must let the allowed one through and only that one.
        try (ChildJvm app =
                program.start(jdk, "cert-dir=" + certDir + ",allowed-peers=spiffe://cluster.local/ns/payments/*")) {
            SoftAssertions softly = new SoftAssertions();
            softly.assertThat(app.request(paymentsServer.url("localhost")))
                    .as("allowed peer\n%s", app.output())
                    .startsWith("OK 200");
            softly.assertThat(app.request(spiffeOnlyServer.url("localhost")))
                    .as("SPIFFE-only peer outside allowed-peers\n%s", app.output())
                    .startsWith("FAIL")
                    .contains("SSLHandshakeException");
            softly.assertThat(app.request(meshServer.url()))
                    .as("peer outside allowed-peers that names the host\n%s", app.output())
                    .startsWith("FAIL")
                    .contains("SSLHandshakeException");
            softly.assertAll();
        }
    }
}
