package io.meshless.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Curl;
import io.meshless.agent.it.support.Jdk;
import io.meshless.pki.SpiffeId;
import io.meshless.testing.PemFiles;
import io.meshless.testing.TestPki;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Two JVMs under the agent: mutual TLS by SPIFFE identity, with no host name in any certificate. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MeshToMeshIT {

    private static final SpiffeId SERVER = TestPki.id("shop", "orders");
    private static final SpiffeId CLIENT = TestPki.id("shop", "checkout");
    private static final SpiffeId ADMIN = TestPki.id("admin", "ops");

    @TempDir
    static Path work;

    private TestPki pki;
    private Path serverDir;
    private Path clientDir;

    @BeforeAll
    void issueCertificates() {
        pki = TestPki.create();
        serverDir = work.resolve("server");
        clientDir = work.resolve("client");
        // as the injector issues them: URI SAN only, no DNS or IP name
        TestPki.volume(serverDir, pki.spiffeIdOnly(SERVER), pki.bundle(), null);
        TestPki.volume(clientDir, pki.spiffeIdOnly(CLIENT), pki.bundle(), null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.meshless.agent.it.support.Jdk#both")
    void agentJvmsTalkMutualTlsWhereNoCertificateNamesTheHost(Jdk jdk) {
        try (ChildJvm server = ServerProgram.HTTPS_SERVER.start(jdk, "cert-dir=" + serverDir);
                ChildJvm client = ClientProgram.JDK_HTTP_CLIENT.start(jdk, "cert-dir=" + clientDir)) {
            int port = server.awaitListening();
            for (String host : new String[] {"localhost", "127.0.0.1"}) {
                assertThat(client.request("https://" + host + ":" + port + "/"))
                        .as("client via %s\n%s\n%s", host, client.output(), server.output())
                        .isEqualTo("OK 200 hello from httpsserver peer=" + CLIENT + " serial=" + serialOf(clientDir)
                                + " | ");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.meshless.agent.it.support.Jdk#both")
    void serverRefusesClientOutsideAllowedPeers(Jdk jdk) {
        Path dir = work.resolve("admin-only-" + jdk);
        TestPki.volume(dir, pki.leaf(SERVER), pki.bundle(), null);
        Path ca = PemFiles.writeBundle(work, "ca-" + jdk, pki.bundle());
        PemFiles admin = PemFiles.write(work, "admin-" + jdk, pki.spiffeIdOnly(ADMIN));
        try (ChildJvm server = ServerProgram.HTTPS_SERVER.start(
                        jdk, "cert-dir=" + dir + ",allowed-peers=spiffe://cluster.local/ns/admin/*");
                ChildJvm client = ClientProgram.JDK_HTTP_CLIENT.start(jdk, "cert-dir=" + clientDir)) {
            String url = "https://127.0.0.1:" + server.awaitListening() + "/";
            Curl.Result allowed = Curl.get(url, ca, admin.cert(), admin.key());
            assertThat(allowed.succeeded())
                    .as("allowed peer %s: %s\n%s", ADMIN, allowed, server.output())
                    .isTrue();
            assertThat(allowed.body()).contains("peer=" + ADMIN);
            assertThat(client.request(url))
                    .as("mesh client %s outside allowed-peers\n%s", CLIENT, server.output())
                    .startsWith("FAIL");
        }
    }

    private String serialOf(Path certDir) {
        try {
            return io.meshless.pki.CertificateReader.read(certDir.resolve("tls.crt"))
                    .get(0)
                    .getSerialNumber()
                    .toString(16);
        } catch (io.meshless.pki.PkiException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
