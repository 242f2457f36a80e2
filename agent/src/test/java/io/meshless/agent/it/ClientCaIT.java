package io.meshless.agent.it;

import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Curl;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.it.support.Nginx;
import io.meshless.agent.it.support.NginxReport;
import io.meshless.pki.SpiffeId;
import io.meshless.testing.PemFiles;
import io.meshless.testing.TestPki;
import java.nio.file.Path;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Client and server certificates from different CAs: servers trust inbound clients by
 * {@code client-ca.crt} (instead of {@code ca.crt}); clients still verify servers by {@code ca.crt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientCaIT {

    private static final SpiffeId SERVER = TestPki.id("shop", "orders");
    private static final SpiffeId CLIENT = TestPki.id("shop", "checkout");

    @TempDir
    static Path work;

    private Path serverDir;
    private Path clientDir;
    private Path serverCaFile;
    private PemFiles clientFromClientCa;
    private PemFiles clientFromServerCa;
    private Nginx nginx;

    @BeforeAll
    void setUp() {
        TestPki pki = TestPki.create();
        serverDir = work.resolve("server");
        clientDir = work.resolve("client");
        TestPki.volume(serverDir, pki.leaf(SERVER), pki.bundle(), pki.clientCa().bundle());
        // every pod gets the same bundles: ca.crt (servers' CA) and client-ca.crt (clients' CA)
        TestPki.volume(
                clientDir,
                pki.clientCa().leaf(CLIENT),
                pki.bundle(),
                pki.clientCa().bundle());
        serverCaFile = PemFiles.writeBundle(work, "server-ca", pki.bundle());
        Path clientCaFile =
                PemFiles.writeBundle(work, "client-ca", pki.clientCa().bundle());
        clientFromClientCa =
                PemFiles.write(work, "client-from-client-ca", pki.clientCa().leaf(CLIENT));
        clientFromServerCa = PemFiles.write(work, "client-from-server-ca", pki.spiffeIdOnly(CLIENT));
        PemFiles nginxCert = PemFiles.write(work, "nginx", pki.leaf(TestPki.id("shop", "nginx")));
        nginx = Nginx.start(work, nginxCert.cert(), nginxCert.key(), clientCaFile);
    }

    @AfterAll
    void stopNginx() {
        nginx.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.meshless.agent.it.support.Jdk#both")
    void serverTrustsClientsByClientCaAndClientsTrustServersByCa(Jdk jdk) {
        try (ChildJvm server = ServerProgram.HTTPS_SERVER.start(jdk, "cert-dir=" + serverDir + ",mode=strict");
                ChildJvm client = ClientProgram.HTTPS_URL_CONNECTION.start(jdk, "cert-dir=" + clientDir)) {
            String url = "https://127.0.0.1:" + server.awaitListening() + "/";
            SoftAssertions softly = new SoftAssertions();

            String toNginx = client.request(nginx.url());
            softly.assertThat(toNginx)
                    .as("client to nginx trusting only the client CA\n%s", client.output())
                    .startsWith("OK 200");
            if (toNginx.startsWith("OK 200")) {
                softly.assertThat(NginxReport.parse(toNginx).verify()).isEqualTo("SUCCESS");
                softly.assertThat(NginxReport.parse(toNginx).clientSpiffeId()).contains(CLIENT);
            }

            softly.assertThat(client.request(url))
                    .as("agent client to agent server\n%s\n%s", client.output(), server.output())
                    .startsWith("OK 200 hello from httpsserver peer=" + CLIENT);

            Curl.Result viaClientCa = Curl.get(url, serverCaFile, clientFromClientCa.cert(), clientFromClientCa.key());
            softly.assertThat(viaClientCa.succeeded())
                    .as("curl, client cert from client-ca.crt: %s", viaClientCa)
                    .isTrue();

            Curl.Result viaServerCa = Curl.get(url, serverCaFile, clientFromServerCa.cert(), clientFromServerCa.key());
            softly.assertThat(viaServerCa.succeeded())
                    .as("curl, client cert from ca.crt only (client-ca.crt replaces it for inbound): %s", viaServerCa)
                    .isFalse();
            softly.assertAll();
        }
    }
}
