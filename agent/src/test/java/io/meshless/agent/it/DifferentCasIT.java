package io.meshless.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Curl;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.it.support.SeedPki;
import io.meshless.agent.tls.RefusalLog;
import io.meshless.agent.tls.RefusalLog.Side;
import io.meshless.agent.tls.RefusalReason;
import io.meshless.pki.reload.WatchedCertDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A public CA signs the server certificate, an internal CA the client certificates: the server's
 * client-ca.crt holds the internal CA, the client's ca.crt the public CA it verifies servers with. Each
 * side's own chain ends in a CA its bundles do not (all) hold, and each works in both directions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DifferentCasIT {
    private static final Duration LOG_WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path work;

    private SeedPki pki;
    private Path serverDir;
    private Path clientDir;

    @BeforeAll
    void makeTwoCas() {
        pki = new SeedPki(work.resolve("pki"));
        pki.rootCa("public", "Public Web CA");
        pki.rootCa("internal", "Internal Client CA");
        pki.leaf("server", "/CN=localhost", "public");
        pki.leaf("client", "/CN=client.mybank.com", "internal");
        pki.leaf("public-client", "/CN=client.mybank.com", "public");
        // The server trusts the public CA for its own outbound calls and the internal CA for clients.
        serverDir = pki.certDir("server-certs", "server", "public", "internal");
        // The client verifies servers against the public CA; its own issuer is in neither of its bundles.
        clientDir = pki.certDir("client-certs", "client", "public", null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.meshless.agent.it.support.Jdk#both")
    void internalClientAndPublicServerAdmitEachOther(Jdk jdk) {
        try (ChildJvm server = ServerProgram.HTTPS_SERVER.start(jdk, "cert-dir=" + serverDir);
                ChildJvm client = ClientProgram.HTTPS_URL_CONNECTION.start(jdk, "cert-dir=" + clientDir)) {
            String url = "https://localhost:" + server.awaitListening() + "/";

            assertThat(client.request(url))
                    .as(
                            "internal-CA client under the agent to public-CA server under the agent\n%s\n%s",
                            client.output(), server.output())
                    .startsWith("OK 200 hello from httpsserver peer=CN=client.mybank.com");
            client.awaitStderrLine(
                    Pattern.compile(".*WARN .*" + Pattern.quote(WatchedCertDirectory.OWN_ISSUER_MISSING)
                            + " \\(CN=Internal Client CA\\).*"),
                    LOG_WAIT);
            assertThat(server.stderr()).doesNotContain(WatchedCertDirectory.OWN_ISSUER_MISSING);

            Curl.Result internal = Curl.get(url, pki.crt("public"), pki.crt("client"), pki.key("client"));
            assertThat(internal.succeeded())
                    .as("curl with the internal-CA client: %s", internal)
                    .isTrue();

            Curl.Result publicClient =
                    Curl.get(url, pki.crt("public"), pki.crt("public-client"), pki.key("public-client"));
            assertThat(publicClient.succeeded())
                    .as(
                            "curl with a public-CA client certificate (client-ca.crt replaces ca.crt inbound): %s",
                            publicClient)
                    .isFalse();
            server.awaitStderrLine(
                    Pattern.compile(".*" + Pattern.quote(RefusalLog.refusedPeer(Side.INBOUND))
                            + " CN=client\\.mybank\\.com \\(serial "
                            + pki.serial("public-client") + ", issuer CN=Public Web CA\\) from \\S+:\\d+: "
                            + Pattern.quote(RefusalReason.UNTRUSTED_ISSUER.text()) + ".*"),
                    LOG_WAIT);
            assertThat(client.stderr()).as("warned once").containsOnlyOnce(WatchedCertDirectory.OWN_ISSUER_MISSING);
        }
    }
}
