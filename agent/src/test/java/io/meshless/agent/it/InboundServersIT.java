package io.meshless.agent.it;

import static io.meshless.agent.it.support.InboundPeers.CLIENT;

import io.meshless.agent.apps.SocketServerApp;
import io.meshless.agent.it.support.AgentLines;
import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Curl;
import io.meshless.agent.it.support.InboundPeers;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.tls.ClientAuthOverrides;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every server program, unmodified, under the real agent in {@code strict} and {@code permissive}
 * mode on JDK 17 and 25, called by the real curl with and without a client certificate.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InboundServersIT {

    private static final Pattern KEPT_CLIENT_AUTH = AgentLines.containing(ClientAuthOverrides.KEPT_CLIENT_AUTH);

    @TempDir
    static Path work;

    private InboundPeers peers;

    @BeforeAll
    void issueCertificates() {
        peers = InboundPeers.issue(work);
    }

    static Stream<Arguments> servers() {
        return Jdk.both().stream().flatMap(jdk -> Stream.of(ServerProgram.values())
                .flatMap(server -> Stream.of("strict", "permissive").map(mode -> Arguments.of(jdk, server, mode))));
    }

    @ParameterizedTest(name = "{1} {2} on {0}")
    @MethodSource("servers")
    void servesMeshClientsAndTreatsOthersByMode(Jdk jdk, ServerProgram program, String mode) {
        try (ChildJvm app = program.start(jdk, "cert-dir=" + peers.certDir() + ",mode=" + mode)) {
            String url = "https://127.0.0.1:" + app.awaitListening() + "/";
            SoftAssertions softly = new SoftAssertions();

            assertServesMeshClientAndAnonymousByMode(softly, app, url, mode);
            Curl.Result certs = Curl.getReportingServerCertificate(
                    url,
                    peers.caFile(),
                    peers.meshClient().cert(),
                    peers.meshClient().key());
            softly.assertThat(certs.serverSerial())
                    .as("server presented the workload certificate: %s", certs)
                    .contains(peers.serverSerial());

            Curl.Result foreign = Curl.get(
                    url,
                    peers.caFile(),
                    peers.foreignClient().cert(),
                    peers.foreignClient().key());
            softly.assertThat(foreign.succeeded())
                    .as("client certificate from a foreign CA: %s", foreign)
                    .isFalse();

            softly.assertThat(app.isAlive())
                    .as("server still running\n%s", app.output())
                    .isTrue();
            softly.assertAll();
        }
    }

    static Stream<Arguments> loweringServers() {
        return Jdk.both().stream().flatMap(jdk -> Stream.of(
                        "server-need-false", "server-ssl-parameters", "accepted-want-false", "layered-need-false")
                .flatMap(lowering -> Stream.of("strict", "permissive").map(mode -> Arguments.of(jdk, lowering, mode))));
    }

    /**
     * An unmodified SSLServerSocket server that turns client authentication off after the agent set it
     * (on the server socket, on each accepted socket, or on a socket layered over a plain one) still gets
     * the mode's demand, and the agent says once, naming the application's line, that it overrode the call.
     */
    @ParameterizedTest(name = "{1} {2} on {0}")
    @MethodSource("loweringServers")
    void keepsTheModesClientAuthWhenTheApplicationTurnsItOff(Jdk jdk, String lowering, String mode) {
        try (ChildJvm app = ChildJvm.builder(jdk, SocketServerApp.class)
                .agent("cert-dir=" + peers.certDir() + ",mode=" + mode)
                .args(lowering)
                .start()) {
            String url = "https://127.0.0.1:" + app.awaitListening() + "/";
            SoftAssertions softly = new SoftAssertions();

            for (int round = 0; round < 2; round++) {
                assertServesMeshClientAndAnonymousByMode(softly, app, url, mode);
            }

            softly.assertThatCode(() -> app.awaitStderrLine(KEPT_CLIENT_AUTH, Duration.ofSeconds(10)))
                    .as("the agent's warning")
                    .doesNotThrowAnyException();
            List<String> warnings = app.stderr()
                    .lines()
                    .filter(line -> KEPT_CLIENT_AUTH.matcher(line).matches())
                    .collect(Collectors.toList());
            softly.assertThat(warnings)
                    .as("one warning for the call site, not one per connection\n%s", app.stderr())
                    .hasSize(1);
            softly.assertThat(String.join("\n", warnings))
                    .contains("WARN")
                    .contains(SocketServerApp.class.getName() + ".")
                    .contains(mode.equals("strict") ? "requires" : "requests");
            softly.assertThat(app.isAlive())
                    .as("server still running\n%s", app.output())
                    .isTrue();
            softly.assertAll();
        }
    }

    /** curl with the mesh client certificate is served and seen; curl without one is refused in strict only. */
    private void assertServesMeshClientAndAnonymousByMode(
            SoftAssertions softly, ChildJvm app, String url, String mode) {
        Curl.Result mesh = Curl.get(
                url,
                peers.caFile(),
                peers.meshClient().cert(),
                peers.meshClient().key());
        softly.assertThat(mesh.succeeded())
                .as("curl with a mesh client certificate: %s\n%s", mesh, app.output())
                .isTrue();
        softly.assertThat(mesh.body()).as("server saw the client identity").contains("peer=" + CLIENT);

        Curl.Result anonymous = Curl.getWithoutClientCertificate(url, peers.caFile());
        if (mode.equals("strict")) {
            softly.assertThat(anonymous.succeeded())
                    .as("strict: curl without client certificate: %s", anonymous)
                    .isFalse();
        } else {
            softly.assertThat(anonymous.succeeded())
                    .as("permissive: curl without client certificate: %s\n%s", anonymous, app.output())
                    .isTrue();
            softly.assertThat(anonymous.body()).contains("peer=none");
        }
    }
}
