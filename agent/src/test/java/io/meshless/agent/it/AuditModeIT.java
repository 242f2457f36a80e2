package io.meshless.agent.it;

import static io.meshless.agent.it.support.InboundPeers.CLIENT;
import static io.meshless.agent.it.support.InboundPeers.STRANGER;

import io.meshless.agent.it.support.AgentLines;
import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Curl;
import io.meshless.agent.it.support.InboundPeers;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.tls.RefusalLog;
import io.meshless.agent.tls.RefusalLog.Side;
import io.meshless.agent.tls.RefusalReason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code mode=audit} under the real agent on JDK 17 and 25, called by curl: the clients strict refuses (no
 * certificate, a foreign CA, a SPIFFE ID outside allowed-peers) are admitted, and each is logged with its
 * reason and "admitted (audit)"; a mesh client in allowed-peers is served without such a line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditModeIT {

    private static final Duration LOG_WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path work;

    private InboundPeers peers;

    @BeforeAll
    void issueCertificates() {
        peers = InboundPeers.issue(work);
    }

    static Stream<Arguments> servers() {
        return Jdk.both().stream()
                .flatMap(jdk -> Stream.of(ServerProgram.values()).map(server -> Arguments.of(jdk, server)));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("servers")
    void admitsWhatStrictRefusesAndLogsIt(Jdk jdk, ServerProgram program) {
        try (ChildJvm app = program.start(jdk, "cert-dir=" + peers.certDir() + ",mode=audit,allowed-peers=" + CLIENT)) {
            String url = "https://127.0.0.1:" + app.awaitListening() + "/";
            SoftAssertions softly = new SoftAssertions();

            Curl.Result mesh = Curl.get(
                    url,
                    peers.caFile(),
                    peers.meshClient().cert(),
                    peers.meshClient().key());
            softly.assertThat(mesh.succeeded())
                    .as("mesh client: %s\n%s", mesh, app.output())
                    .isTrue();
            softly.assertThat(mesh.body()).contains("peer=" + CLIENT);

            Curl.Result anonymous = Curl.getWithoutClientCertificate(url, peers.caFile());
            softly.assertThat(anonymous.succeeded())
                    .as("no certificate: %s\n%s", anonymous, app.output())
                    .isTrue();
            assertAdmittedLine(softly, app, AgentLines.admittedWithoutCertificate());

            Curl.Result foreign = Curl.get(
                    url,
                    peers.caFile(),
                    peers.foreignClient().cert(),
                    peers.foreignClient().key());
            softly.assertThat(foreign.succeeded())
                    .as("foreign CA: %s\n%s", foreign, app.output())
                    .isTrue();
            assertAdmittedLine(
                    softly, app, AgentLines.admittedInbound(CLIENT.toString(), RefusalReason.UNTRUSTED_ISSUER));

            Curl.Result stranger = Curl.get(
                    url,
                    peers.caFile(),
                    peers.strangerClient().cert(),
                    peers.strangerClient().key());
            softly.assertThat(stranger.succeeded())
                    .as("SPIFFE ID outside allowed-peers: %s\n%s", stranger, app.output())
                    .isTrue();
            assertAdmittedLine(
                    softly, app, AgentLines.admittedInbound(STRANGER.toString(), RefusalReason.NOT_IN_ALLOWED_PEERS));

            softly.assertThat(app.stderr())
                    .as("audit refuses nothing")
                    .doesNotContain(RefusalLog.refusedPeer(Side.INBOUND));
            softly.assertThat(app.isAlive())
                    .as("server still running\n%s", app.output())
                    .isTrue();
            softly.assertAll();
        }
    }

    private static void assertAdmittedLine(SoftAssertions softly, ChildJvm app, Pattern line) {
        softly.assertThatCode(() -> app.awaitStderrLine(line, LOG_WAIT))
                .as("the audit line %s\n%s", line, app.stderr())
                .doesNotThrowAnyException();
    }
}
