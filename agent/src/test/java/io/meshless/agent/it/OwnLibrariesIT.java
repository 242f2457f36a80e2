package io.meshless.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.agent.MeshlessAgent;
import io.meshless.agent.bootstrap.AgentBootstrap;
import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.CompiledApp;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.it.support.Nginx;
import io.meshless.agent.it.support.NginxReport;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.SpiffeId;
import io.meshless.testing.PemFiles;
import io.meshless.testing.TestPki;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent jar next to an application that brings its own, older Bouncy Castle, SLF4J 1.7 with
 * slf4j-simple, and Byte Buddy (design: "an application that ships other versions of them keeps
 * working"). The application ({@code src/test/own-libraries-app}) is compiled here against those
 * jars only and runs with exactly them on its class path, as in production; the agent's copies
 * reach it only through {@code -javaagent}. The JVM appends the agent jar to the same class path,
 * after the app's jars, so an agent jar that carried any of them unrelocated would run the agent on
 * the app's copies (and the app's own class path scan, like SLF4J's "multiple bindings" check, finds
 * a second copy of each in the agent jar). Checked by hand with such a jar ({@code -Dmeshless.agent.jar=...}): on JDK 17
 * the agent's lines came out through the app's slf4j-simple; on JDK 25 the agent ran on the app's
 * Byte Buddy 1.14, which cannot transform JDK 25 classes, and the mTLS call failed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OwnLibrariesIT {

    private static final SpiffeId APP = TestPki.id("shop", "own-libraries");
    private static final String MAIN_CLASS = "com.example.ownlibs.OwnLibrariesApp";
    private static final Duration START = Duration.ofSeconds(40);

    /** What a clash of two copies of a library on one class path looks like on the console. */
    private static final List<String> CONFLICT_SIGNS = List.of(
            "LinkageError",
            "NoSuchMethodError",
            "NoSuchFieldError",
            "NoClassDefFoundError",
            "ClassNotFoundException",
            "IncompatibleClassChangeError",
            "AbstractMethodError",
            "ClassCastException",
            "multiple SLF4J bindings",
            "Class path contains",
            "SLF4J:",
            // the agent's own words when it could not set itself up
            AgentBootstrap.NOT_INSTALLED,
            "could not instrument",
            "bytecode hooks not installed",
            "could not be installed");

    /** The agent's stderr format: {@code <instant> [meshless] LEVEL Logger: message}. */
    private static final Pattern AGENT_LINE =
            Pattern.compile("\\S+Z \\[meshless\\] (TRACE|DEBUG|INFO|WARN|ERROR) \\w+: .*");
    /** slf4j-simple's format ({@code [thread] LEVEL logger - message}) for one of the agent's loggers. */
    private static final Pattern AGENT_IN_APP_BINDING =
            Pattern.compile("\\[[^\\]]+\\] (TRACE|DEBUG|INFO|WARN|ERROR) io\\.meshless\\..*");

    private static final String APP_LOG_LINE =
            "[main] INFO com.example.ownlibs.OwnLibrariesApp - application log line through its own binding";

    @TempDir
    static Path work;

    private Map<String, String> appVersions;
    private String appClassPath;
    private Nginx nginx;
    private Path certDir;
    private BigInteger workloadSerial;

    @BeforeAll
    void compileApplicationAndStartNginx() {
        appVersions = versions("meshless.ownlibs.versions");
        Path lib = Path.of(requiredProperty("meshless.ownlibs.lib"));
        List<Path> jars = jarsIn(lib);
        Path classes = work.resolve("own-libraries-app");
        appClassPath = CompiledApp.compile(Path.of(requiredProperty("meshless.ownlibs.source")), jars, classes);

        TestPki pki = TestPki.create();
        // names only its SPIFFE ID: the call succeeds only through the agent's trust manager
        PemFiles server = PemFiles.write(work, "nginx", pki.spiffeIdOnly(TestPki.id("shop", "nginx")));
        nginx = Nginx.start(work, server.cert(), server.key(), PemFiles.writeBundle(work, "mesh-ca", pki.bundle()));
        HeldCertificate workload = pki.spiffeIdOnly(APP);
        workloadSerial = workload.certificate().getSerialNumber();
        certDir = work.resolve("certs");
        TestPki.volume(certDir, workload, pki.bundle(), null);
    }

    @AfterAll
    void stopNginx() {
        if (nginx != null) {
            nginx.close();
        }
    }

    @Test
    void applicationLibrariesDifferFromTheAgentsOwn() {
        // With equal versions a missing relocation would go unnoticed here: keep them apart.
        Map<String, String> agent = versions("meshless.agent.versions");
        assertThat(appVersions.keySet()).containsExactlyInAnyOrder("bouncycastle", "slf4j", "bytebuddy");
        appVersions.forEach((library, version) -> assertThat(version)
                .as("%s of the application vs the agent's", library)
                .isNotEqualTo(agent.get(library)));
        assertThat(appVersions.get("slf4j"))
                .as("an SLF4J 1.x API with a StaticLoggerBinder binding")
                .startsWith("1.");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.meshless.agent.it.support.Jdk#both")
    void applicationKeepsItsOwnLibrariesAndStillTalksMutualTls(Jdk jdk) {
        String bc = appVersions.get("bouncycastle");
        String slf4j = appVersions.get("slf4j");
        String byteBuddy = appVersions.get("bytebuddy");
        try (ChildJvm app = ChildJvm.builder(jdk, MAIN_CLASS)
                .classPath(appClassPath)
                .agent("cert-dir=" + certDir)
                .start()) {
            // What the application sees of its libraries, before any TLS use.
            assertThat(app.awaitLine(Pattern.compile("SLF4J (.*)"), START).group(1))
                    .as("app's SLF4J\n%s", app.output())
                    .isEqualTo("binding=org.slf4j.impl.SimpleLoggerFactory api=slf4j-api-" + slf4j + ".jar");
            assertThat(app.awaitLine(Pattern.compile("BC (.*)"), START).group(1))
                    .as("app's Bouncy Castle\n%s", app.output())
                    .isEqualTo("info=BouncyCastle Security Provider v" + bc + " position=1 jar=bcprov-jdk18on-" + bc
                            + ".jar");
            assertThat(app.awaitLine(Pattern.compile("BCPKIX (.*)"), START).group(1))
                    .as("app's bcpkix\n%s", app.output())
                    .isEqualTo("subject=CN=own-libraries-app"
                            + " class=org.bouncycastle.jcajce.provider.asymmetric.x509.X509CertificateObject");
            assertThat(app.awaitLine(Pattern.compile("BYTEBUDDY (.*)"), START).group(1))
                    .as("app's Byte Buddy\n%s", app.output())
                    .isEqualTo("jar=byte-buddy-" + byteBuddy + ".jar generated=generated by the app's Byte Buddy");
            // One copy of each on the class path the agent jar was appended to: the app's.
            assertThat(app.awaitLine(Pattern.compile("COPIES (.*)"), START).group(1))
                    .as("class path copies\n%s", app.output())
                    .isEqualTo("org/slf4j/LoggerFactory.class=[slf4j-api-" + slf4j + ".jar]"
                            + " org/slf4j/impl/StaticLoggerBinder.class=[slf4j-simple-" + slf4j + ".jar]"
                            + " org/bouncycastle/jce/provider/BouncyCastleProvider.class=[bcprov-jdk18on-" + bc
                            + ".jar]"
                            + " org/bouncycastle/cert/X509CertificateHolder.class=[bcpkix-jdk18on-" + bc + ".jar]"
                            + " net/bytebuddy/ByteBuddy.class=[byte-buddy-" + byteBuddy + ".jar]");
            app.awaitLine(Pattern.compile("READY"), START);

            // With the app's Bouncy Castle first in the provider list, the JVM's default TLS is
            // still the agent's: nginx verifies the workload certificate.
            String first = app.request(nginx.url());
            assertMutualTls(first, app, "first call, BC at position 1");
            assertThat(first)
                    .as("the app's BC parsed the server certificate during the handshake")
                    .endsWith(
                            "peer-certificate=org.bouncycastle.jcajce.provider.asymmetric.x509.X509CertificateObject");

            String providers = app.request("providers");
            assertThat(providers)
                    .as("JCA providers after the agent started\n%s", app.output())
                    .startsWith("OK registered=BC=org.bouncycastle.jce.provider.BouncyCastleProvider,")
                    .contains("=io.meshless.agent.tls.MeshlessProvider")
                    .doesNotContain("io.meshless.shaded");
            assertThat(providers.split("BC=", -1))
                    .as("one BC provider, the app's: %s", providers)
                    .hasSize(2);

            // The app's Byte Buddy attaches its own agent to this JVM and rewrites one of its classes.
            assertThat(app.request("install-own-agent"))
                    .as("app's own Byte Buddy agent\n%s", app.output())
                    .isEqualTo("OK agent=byte-buddy-agent-" + byteBuddy + ".jar before=as compiled"
                            + " after=rewritten by the app's own agent errors=[]");
            assertMutualTls(app.request(nginx.url()), app, "after the app installed its own agent");

            // stdin closed, the app finishes: every console line is in before the console is judged
            app.process().closeStdin();
            assertThat(app.process().awaitExit(START))
                    .as("exit code\n%s", app.output())
                    .isZero();
            assertConsoleKeptApart(app);
        }
    }

    private void assertMutualTls(String result, ChildJvm app, String when) {
        assertThat(result).as("%s\n%s\n%s", when, app.output(), nginx.output()).startsWith("OK 200");
        NginxReport report = NginxReport.parse(result);
        assertThat(report.verify())
                .as("%s: nginx $ssl_client_verify (%s)", when, report)
                .isEqualTo("SUCCESS");
        assertThat(report.serial())
                .as("%s: serial of the client certificate", when)
                .contains(workloadSerial);
        assertThat(report.clientSpiffeId()).as("%s: client identity", when).contains(APP);
    }

    /** Each side's log lines went through its own SLF4J binding, and nothing reports a clash. */
    private void assertConsoleKeptApart(ChildJvm app) {
        List<String> stderr = Arrays.asList(app.stderr().split("\n"));
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(stderr)
                .as("the app's slf4j-simple line\n%s", app.output())
                .contains(APP_LOG_LINE);
        softly.assertThat(stderr)
                .as("the agent's installed line, in its own format\n%s", app.output())
                .anyMatch(line -> AGENT_LINE.matcher(line).matches()
                        && line.contains("[meshless] INFO MeshlessAgent: " + MeshlessAgent.INSTALLED + " ")
                        && line.contains("identity " + APP));
        softly.assertThat(stderr)
                .as("agent lines all in the agent's format, none WARN/ERROR\n%s", app.output())
                .filteredOn(line -> line.contains("[meshless]"))
                .allMatch(line -> AGENT_LINE.matcher(line).matches()
                        && !line.contains("[meshless] WARN")
                        && !line.contains("[meshless] ERROR"));
        softly.assertThat(stderr)
                .as("agent loggers that ended up in the app's slf4j-simple\n%s", app.output())
                .noneMatch(line -> AGENT_IN_APP_BINDING.matcher(line).matches());
        softly.assertThat(stderr)
                .as("app log lines that ended up in the agent's binding\n%s", app.output())
                .noneMatch(line -> line.contains("[meshless]") && line.contains("OwnLibrariesApp"));
        String console = app.output();
        for (String sign : CONFLICT_SIGNS) {
            softly.assertThat(console).as("console of %s", app.process().name()).doesNotContain(sign);
        }
        softly.assertAll();
    }

    private static List<Path> jarsIn(Path lib) {
        List<Path> jars = CompiledApp.jarsIn(lib);
        assertThat(jars)
                .as("the application's libraries in %s (maven-dependency-plugin copy)", lib)
                .hasSize(7);
        return jars;
    }

    private static Map<String, String> versions(String property) {
        Map<String, String> versions = new LinkedHashMap<>();
        for (String pair : requiredProperty(property).split(",")) {
            String[] kv = pair.split("=", 2);
            versions.put(kv[0].trim(), kv[1].trim());
        }
        return versions;
    }

    private static String requiredProperty(String name) {
        return CompiledApp.requiredProperty(name);
    }
}
