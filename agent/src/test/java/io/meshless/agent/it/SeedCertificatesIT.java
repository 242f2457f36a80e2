package io.meshless.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.agent.FirstTlsUse;
import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Curl;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.it.support.Nginx;
import io.meshless.agent.it.support.NginxReport;
import io.meshless.agent.it.support.SeedPki;
import io.meshless.agent.tls.RefusalLog;
import io.meshless.agent.tls.RefusalLog.Side;
import io.meshless.agent.tls.RefusalReason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Certificates made with the openssl workflow of the usual mTLS guides (CN only, no SPIFFE ID, no
 * extension file) work with default settings: two JVMs under the agent, curl and nginx as peers. Every
 * refusal shows in the agent's log with the peer's identity and the reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SeedCertificatesIT {
    private static final Duration LOG_WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path work;

    private SeedPki pki;
    private Path serverDir;
    private Path clientDir;
    private Nginx nginx;

    @BeforeAll
    void makeCertificatesAsTheGuidesDo() {
        pki = new SeedPki(work.resolve("pki"));
        pki.rootCa("ca", "My Bank Root CA");
        pki.leaf("server", "/CN=localhost", "ca");
        pki.leaf("client", "/CN=client.mybank.com", "ca");
        pki.leaf("intruder", "/CN=intruder.mybank.com", "ca");
        pki.rootCa("other", "Other CA");
        pki.leaf("stranger", "/CN=client.mybank.com", "other");
        serverDir = pki.certDir("server-certs", "server", "ca", null);
        clientDir = pki.certDir("client-certs", "client", "ca", null);
        nginx = Nginx.start(work, pki.crt("server"), pki.key("server"), pki.crt("ca"));
    }

    @AfterAll
    void stopNginx() {
        nginx.close();
    }

    /** A WARN line of the agent's refusal log: side, identity, serial, issuer, address, reason. */
    private static Pattern refusal(String identity, String serial, String issuer, RefusalReason reason) {
        return Pattern.compile(".*WARN .*" + Pattern.quote(RefusalLog.refusedPeer(Side.INBOUND)) + " "
                + Pattern.quote(identity) + " \\(serial " + serial + ", issuer " + Pattern.quote(issuer)
                + "\\) from \\S+:\\d+: " + Pattern.quote(reason.text()) + ".*");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.meshless.agent.it.support.Jdk#both")
    void twoAgentJvmsCurlAndNginxTalkWithDefaultSettings(Jdk jdk) {
        try (ChildJvm server = ServerProgram.HTTPS_SERVER.start(jdk, "cert-dir=" + serverDir);
                ChildJvm client = ClientProgram.HTTPS_URL_CONNECTION.start(jdk, "cert-dir=" + clientDir)) {
            String url = "https://localhost:" + server.awaitListening() + "/";
            SoftAssertions softly = new SoftAssertions();

            softly.assertThat(client.request(url))
                    .as("agent client to agent server\n%s\n%s", client.output(), server.output())
                    .startsWith("OK 200 hello from httpsserver peer=CN=client.mybank.com");

            String toNginx = client.request(nginx.url("localhost"));
            softly.assertThat(toNginx)
                    .as("agent client to nginx\n%s", client.output())
                    .startsWith("OK 200");
            if (toNginx.startsWith("OK 200")) {
                softly.assertThat(NginxReport.parse(toNginx).verify()).isEqualTo("SUCCESS");
            }

            Curl.Result curl = Curl.get(url, pki.crt("ca"), pki.crt("client"), pki.key("client"));
            softly.assertThat(curl.succeeded())
                    .as("curl with the client certificate: %s", curl)
                    .isTrue();
            softly.assertThat(curl.body()).contains("peer=CN=client.mybank.com");
            softly.assertAll();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.meshless.agent.it.support.Jdk#both")
    void logsEveryRefusedClientWithItsIdentityAndReason(Jdk jdk) {
        try (ChildJvm server = ServerProgram.HTTPS_SERVER.start(jdk, "cert-dir=" + serverDir)) {
            String url = "https://localhost:" + server.awaitListening() + "/";

            Curl.Result none = Curl.getWithoutClientCertificate(url, pki.crt("ca"));
            assertThat(none.succeeded())
                    .as("curl without a client certificate: %s", none)
                    .isFalse();
            server.awaitStderrLine(
                    Pattern.compile(".*WARN .*" + Pattern.quote(RefusalLog.refusedPeer(Side.INBOUND))
                            + " \\(no certificate\\) from \\S+:\\d+: "
                            + Pattern.quote(RefusalReason.NO_CERTIFICATE.text()) + ".*"),
                    LOG_WAIT);

            Curl.Result stranger = Curl.get(url, pki.crt("ca"), pki.crt("stranger"), pki.key("stranger"));
            assertThat(stranger.succeeded())
                    .as("curl with a certificate of another CA: %s", stranger)
                    .isFalse();
            server.awaitStderrLine(
                    refusal(
                            "CN=client.mybank.com",
                            pki.serial("stranger"),
                            "CN=Other CA",
                            RefusalReason.UNTRUSTED_ISSUER),
                    LOG_WAIT);
            assertThat(server.stderr()).doesNotContain("BEGIN CERTIFICATE", "PRIVATE KEY");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.meshless.agent.it.support.Jdk#both")
    void allowedPeersAdmitsClientsByCommonName(Jdk jdk) {
        try (ChildJvm server = ServerProgram.HTTPS_SERVER.start(
                jdk, "cert-dir=" + serverDir + ",allowed-peers=cn:~client\\.mybank\\.com")) {
            String url = "https://localhost:" + server.awaitListening() + "/";

            Curl.Result client = Curl.get(url, pki.crt("ca"), pki.crt("client"), pki.key("client"));
            assertThat(client.succeeded())
                    .as("curl as client.mybank.com: %s", client)
                    .isTrue();

            Curl.Result intruder = Curl.get(url, pki.crt("ca"), pki.crt("intruder"), pki.key("intruder"));
            assertThat(intruder.succeeded())
                    .as("curl as intruder.mybank.com: %s", intruder)
                    .isFalse();
            server.awaitStderrLine(
                    refusal(
                            "CN=intruder.mybank.com",
                            pki.serial("intruder"),
                            "CN=My Bank Root CA",
                            RefusalReason.NOT_IN_ALLOWED_PEERS),
                    LOG_WAIT);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.meshless.agent.it.support.Jdk#both")
    void aMalformedAllowedPeersEntryIsAStartUpErrorNamingItAndTlsFailsClosed(Jdk jdk) {
        try (ChildJvm server =
                ServerProgram.HTTPS_SERVER.start(jdk, "cert-dir=" + serverDir + ",allowed-peers=cn:~client[0-9")) {
            server.awaitStderrLine(
                    Pattern.compile(".*" + Pattern.quote(FirstTlsUse.CONFIGURATION_ERROR)
                            + ".*allowed-peers.*peer pattern 'cn:~client\\[0-9'.*"),
                    LOG_WAIT);
            String url = "https://localhost:" + server.awaitListening() + "/";

            Curl.Result curl = Curl.get(url, pki.crt("ca"), pki.crt("client"), pki.key("client"));
            assertThat(curl.succeeded())
                    .as("curl against a server whose agent refused its configuration: %s", curl)
                    .isFalse();
            assertThat(server.isAlive()).isTrue();
        }
    }
}
