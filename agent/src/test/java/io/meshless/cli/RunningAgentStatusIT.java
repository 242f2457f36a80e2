package io.meshless.cli;

import static io.meshless.agent.it.support.InboundPeers.CLIENT;
import static io.meshless.agent.it.support.InboundPeers.SERVER;
import static io.meshless.agent.it.support.InboundPeers.STRANGER;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.agent.apps.OwnContextApp;
import io.meshless.agent.apps.SocketServerApp;
import io.meshless.agent.it.support.AgentLines;
import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Curl;
import io.meshless.agent.it.support.InboundPeers;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.observe.AgentStatus;
import io.meshless.agent.observe.UncoveredContexts;
import io.meshless.agent.tls.RefusalReason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent's MBean {@value AgentStatus#NAME} read over JMX through the Attach API from real child JVMs on
 * JDK 17 and 25 ({@link RunningAgents}, the code {@code meshless status --pid} runs), after curl connected
 * to them; {@code meshless status --pid} and {@code --all} on the same JVMs; the report of an application's
 * own SSLContext.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunningAgentStatusIT {

    private static final Duration LOG_WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path work;

    private InboundPeers peers;

    @BeforeAll
    void issueCertificates() {
        peers = InboundPeers.issue(work);
    }

    static Jdk[] jdks() {
        return Jdk.both().toArray(new Jdk[0]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void theMBeanCountsWhatTheAgentDidAndStatusShowsIt(Jdk jdk) throws Exception {
        try (ChildJvm app = ChildJvm.builder(jdk, SocketServerApp.class)
                .agent("cert-dir=" + peers.certDir() + ",mode=audit,allowed-peers=" + CLIENT)
                .start()) {
            String url = "https://127.0.0.1:" + app.awaitListening() + "/";
            assertThat(Curl.get(
                                    url,
                                    peers.caFile(),
                                    peers.meshClient().cert(),
                                    peers.meshClient().key())
                            .succeeded())
                    .isTrue();
            Curl.getWithoutClientCertificate(url, peers.caFile());
            app.awaitStderrLine(AgentLines.admittedWithoutCertificate(), LOG_WAIT);
            Curl.get(
                    url,
                    peers.caFile(),
                    peers.strangerClient().cert(),
                    peers.strangerClient().key());
            app.awaitStderrLine(
                    AgentLines.admittedInbound(STRANGER.toString(), RefusalReason.NOT_IN_ALLOWED_PEERS), LOG_WAIT);
            String pid = Long.toString(app.process().process().pid());

            Map<String, Object> mbean = RunningAgents.read(pid).orElseThrow();
            SoftAssertions softly = new SoftAssertions();
            softly.assertThat(mbean.keySet())
                    .as("documented names, in order")
                    .containsExactlyElementsOf(AgentStatus.ATTRIBUTES);
            softly.assertThat(mbean.get("Identity")).isEqualTo(SERVER.toString());
            softly.assertThat(mbean.get("Serial"))
                    .isEqualTo(peers.serverSerial().toString(16));
            softly.assertThat((Long) mbean.get("SecondsToExpiry")).isPositive();
            softly.assertThat(mbean.get("CertDir")).isEqualTo(peers.certDir().toString());
            softly.assertThat(mbean.get("Mode")).isEqualTo("audit");
            softly.assertThat(mbean.get("AllowedPeers")).isEqualTo(CLIENT.toString());
            softly.assertThat(mbean.get("Rotations")).isEqualTo(0L);
            softly.assertThat(mbean.get("LastRefusedSet")).isEqualTo("");
            softly.assertThat(mbean.get("InboundHandshakesAccepted"))
                    .as("the mesh client")
                    .isEqualTo(1L);
            softly.assertThat(mbean.get("OutboundHandshakesAccepted")).isEqualTo(0L);
            softly.assertThat(mbean.get("RefusalsNoCertificate")).isEqualTo(1L);
            softly.assertThat(mbean.get("RefusalsNotInAllowedPeers")).isEqualTo(1L);
            softly.assertThat(mbean.get("RefusalsUntrustedIssuer")).isEqualTo(0L);
            softly.assertThat(mbean.get("RefusalsTotal")).isEqualTo(2L);
            softly.assertThat(mbean.get("UncoveredContextCount")).isEqualTo(0);

            Cli text = Cli.run("status", "--pid", pid);
            softly.assertThat(text.code).as(text.err).isZero();
            softly.assertThat(text.out)
                    .contains("Agent in JVM " + pid)
                    .containsPattern("identity:\\s+" + Pattern.quote(SERVER.toString()))
                    .containsPattern("serial:\\s+" + peers.serverSerial().toString(16))
                    .containsPattern("mode:\\s+audit")
                    .containsPattern("handshakes:\\s+1 inbound and 0 outbound peers accepted")
                    .containsPattern(
                            "refusals:\\s+2: no certificate 1, not in allowed-peers 1 \\(admitted: mode=audit");

            Cli json = Cli.run("status", "--pid", pid, "--json");
            softly.assertThat(json.code).as(json.err).isZero();
            softly.assertThat(json.out)
                    .startsWith("{\"pid\":\"" + pid + "\",\"agent\":{\"identity\":\"" + SERVER + "\"")
                    .contains("\"refusalsNoCertificate\":1,")
                    .contains("\"inboundHandshakesAccepted\":1,")
                    .contains("\"uncoveredContexts\":[]");

            Cli all = Cli.run("status", "--all");
            softly.assertThat(all.code).as(all.err).isZero();
            softly.assertThat(all.out).contains("Agent in JVM " + pid + " (" + SocketServerApp.class.getName());
            softly.assertAll();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void anApplicationsOwnContextIsReportedOnceWithItsCallSite(Jdk jdk) throws Exception {
        try (ChildJvm app = ChildJvm.builder(jdk, OwnContextApp.class)
                .agent("cert-dir=" + peers.certDir())
                .args(peers.foreignCaFile().toString())
                .start()) {
            app.awaitListening();
            String pid = Long.toString(app.process().process().pid());
            Map<String, Object> mbean = RunningAgents.read(pid).orElseThrow();
            String site = OwnContextApp.class.getName() + ".main(OwnContextApp.java:";

            SoftAssertions softly = new SoftAssertions();
            softly.assertThat(mbean.get("UncoveredContextCount"))
                    .as("two inits on one line: one site")
                    .isEqualTo(1);
            softly.assertThat((String[]) mbean.get("UncoveredContexts"))
                    .singleElement()
                    .asString()
                    .startsWith(site)
                    .contains("trust manager");
            softly.assertThat(app.stderr().lines().filter(l -> l.contains(UncoveredContexts.NOT_IN_MESH)))
                    .as("one INFO line\n%s", app.stderr())
                    .singleElement()
                    .asString()
                    .contains("INFO")
                    .contains(site);
            Cli text = Cli.run("status", "--pid", pid);
            softly.assertThat(text.out)
                    .containsPattern("not in the mesh:\\s+" + Pattern.quote(site))
                    .contains(UncoveredContexts.NOT_IN_MESH);
            softly.assertAll();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aJvmWithoutTheAgentIsNotAnAgent(Jdk jdk) {
        try (ChildJvm app = ChildJvm.builder(jdk, OwnContextApp.class)
                .withoutAgent()
                .args(peers.foreignCaFile().toString())
                .start()) {
            app.awaitListening();
            String pid = Long.toString(app.process().process().pid());
            Cli cli = Cli.run("status", "--pid", pid);
            assertThat(cli.code).isEqualTo(1);
            assertThat(cli.err).contains("JVM " + pid + " runs no Meshless agent");
            assertThat(Cli.run("status", "--all").out).doesNotContain("Agent in JVM " + pid);
        }
    }

    @org.junit.jupiter.api.Test
    void badPidsAndCombinationsFail() {
        Cli notANumber = Cli.run("status", "--pid", "abc");
        assertThat(notANumber.code).isEqualTo(1);
        assertThat(notANumber.err).contains("--pid abc is not a process id");
        Cli gone = Cli.run("status", "--pid", "2147483646");
        assertThat(gone.code).isEqualTo(1);
        assertThat(gone.err).contains("cannot attach to JVM 2147483646");
        Cli both = Cli.run("status", "--pid", "1", "--all");
        assertThat(both.code).isEqualTo(2);
        assertThat(both.err).contains("exclude each other");
    }
}
