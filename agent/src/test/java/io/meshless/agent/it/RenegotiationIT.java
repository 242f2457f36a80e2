package io.meshless.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.agent.it.support.CapturedProcess;
import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.it.support.SeedPki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Servers under the agent refuse a TLS 1.2 renegotiation the client starts, as nginx does: the real
 * {@code openssl s_client -tls1_2}, then {@code R}. The control run, with the JDK property set to
 * {@code false} on the command line (which the agent leaves alone), shows the same client getting its
 * renegotiation and its request served, so the test tells the two apart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RenegotiationIT {

    @TempDir
    static Path work;

    private SeedPki pki;
    private Path serverDir;

    @BeforeAll
    void makeCertificates() {
        pki = new SeedPki(work.resolve("pki"));
        pki.rootCa("ca", "Renegotiation Test Root");
        pki.leaf("server", "/CN=localhost", "ca");
        pki.leaf("client", "/CN=client.mybank.com", "ca");
        serverDir = pki.certDir("server-certs", "server", "ca", null);
    }

    /** s_client renegotiates with {@code R}, then sends a GET; returns everything it printed. */
    private String renegotiateThenGet(int port) {
        List<String> command = List.of(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + port,
                "-tls1_2",
                "-CAfile",
                pki.crt("ca").toString(),
                "-cert",
                pki.crt("client").toString(),
                "-key",
                pki.key("client").toString(),
                "-crlf");
        try (CapturedProcess client = CapturedProcess.start("openssl-s_client", command, null)) {
            client.awaitLine(Pattern.compile("\\s*Verify return code: 0.*"), Duration.ofSeconds(30));
            client.send("R");
            client.awaitStderrLine(Pattern.compile(".*RENEGOTIATING.*"), Duration.ofSeconds(30));
            try {
                client.send("GET / HTTP/1.0");
                client.send("");
            } catch (AssertionError closed) {
                // s_client already left: the server ended the connection on the renegotiation
            }
            client.awaitExit(Duration.ofSeconds(30));
            return client.output();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.meshless.agent.it.support.Jdk#both")
    void refusesClientInitiatedRenegotiation(Jdk jdk) {
        try (ChildJvm server = ServerProgram.HTTPS_SERVER.start(jdk, "cert-dir=" + serverDir)) {
            String output = renegotiateThenGet(server.awaitListening());

            assertThat(output).as("s_client after R\n%s", server.output()).doesNotContain("HTTP/1.1 200");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.meshless.agent.it.support.Jdk#both")
    void theSameClientRenegotiatesWhereTheJvmWasToldToAllowIt(Jdk jdk) {
        try (ChildJvm server = ChildJvm.builder(jdk, io.meshless.agent.apps.HttpsServerApp.class)
                .agent("cert-dir=" + serverDir)
                .jvmOption("-Djdk.tls.rejectClientInitiatedRenegotiation=false")
                .start()) {
            String output = renegotiateThenGet(server.awaitListening());

            assertThat(output).as("s_client after R\n%s", server.output()).contains("HTTP/1.1 200");
        }
    }
}
