package io.meshless.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.CompiledApp;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.tls.OpenSslContexts;
import io.meshless.testing.TestPki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Netty release whose OpenSSL internals are not where the agent's hooks expect them: the agent says so in one
 * line per missing piece (however many class loaders load the class) and the application runs on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnsupportedNettyIT {

    private static final String CONTEXT = "io.netty.handler.ssl.ReferenceCountedOpenSslContext";
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final List<String> MISSING = List.of(
            CONTEXT + " has no static providerFor(KeyManagerFactory, String)",
            CONTEXT + " has no static chooseTrustManager(TrustManager[], ...)",
            CONTEXT + " comes without io.netty.handler.ssl.ReferenceCountedOpenSslClientContext");

    @TempDir
    static Path work;

    private String classPath;
    private Path certDir;

    @BeforeAll
    void compileStandIn() {
        Path source = Path.of(CompiledApp.requiredProperty("meshless.openssl.source"), "unsupported");
        classPath = CompiledApp.compile(source, List.of(), work.resolve("classes"));
        TestPki pki = TestPki.create();
        certDir = work.resolve("certs");
        TestPki.volume(certDir, pki.spiffeIdOnly(TestPki.id("shop", "legacy")), pki.bundle(), null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.meshless.agent.it.support.Jdk#both")
    void saysOnceForEachHookThatDoesNotMatchAndTheApplicationRunsOn(Jdk jdk) {
        try (ChildJvm app = ChildJvm.builder(jdk, "com.example.unsupported.UnsupportedNettyApp")
                .classPath(classPath)
                .agent("cert-dir=" + certDir)
                .start()) {
            app.awaitLine(Pattern.compile("LOADED"), WAIT);
            for (String missing : MISSING) {
                app.awaitStderrLine(
                        Pattern.compile(".*WARN NettyOpenSslInstrumentation: "
                                + Pattern.quote(missing + ": " + OpenSslContexts.UNSUPPORTED_NETTY) + ".*"),
                        WAIT);
            }
            app.process().closeStdin();
            assertThat(app.process().awaitExit(WAIT))
                    .as("exit code\n%s", app.output())
                    .isZero();
            List<String> stderr = Arrays.asList(app.stderr().split("\n"));
            for (String missing : MISSING) {
                assertThat(stderr)
                        .as("lines about: %s\n%s", missing, app.output())
                        .filteredOn(line -> line.contains(missing))
                        .hasSize(1);
            }
        }
    }
}
