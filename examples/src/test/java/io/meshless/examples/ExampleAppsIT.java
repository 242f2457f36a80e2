package io.meshless.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.pki.HeldCertificate;
import io.meshless.testing.Await;
import io.meshless.testing.ReportedPort;
import io.meshless.testing.TestPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unmodified example apps, each in its own JVM with the real agent jar and a certificate
 * directory laid out like the injected Secret: what the pods in examples/k8s do, minus the
 * cluster. The apps contain no TLS code; everything TLS here is the agent's.
 */
class ExampleAppsIT {

    private static final long CHILD_TIMEOUT_SECONDS = 180;

    @TempDir
    static Path work;

    private static TestPki pki;
    private static Process hello;
    private static Path helloLog;
    private static int port;

    @BeforeAll
    static void startHello() throws Exception {
        pki = TestPki.create();
        // "localhost" as DNS SAN serves OkHttp's own host-name check; calls to 127.0.0.1 (no IP
        // SAN) show secure naming: the JDK client accepts hello by SPIFFE ID alone.
        HeldCertificate helloCert = pki.issue(
                pki.spec(pki.spiffeId("demo", "hello")).dnsName("localhost").build());
        Path helloCerts = pki.writeCertDir(work.resolve("hello-certs"), helloCert);
        helloLog = work.resolve("hello.log");
        hello = start("HelloServer", helloCerts, Map.of("PORT", "0"), helloLog);
        port = ReportedPort.in(
                helloLog,
                Pattern.compile("hello-server listening on https://\\S+:(\\d+)/"),
                Await.atMost(Duration.ofSeconds(CHILD_TIMEOUT_SECONDS))
                        .every(Duration.ofMillis(200))
                        .whileAlive(hello, () -> Files.readString(helloLog)));
    }

    @AfterAll
    static void stopHello() throws InterruptedException {
        if (hello != null) {
            hello.destroy();
            if (!hello.waitFor(10, TimeUnit.SECONDS)) {
                hello.destroyForcibly();
            }
        }
    }

    @Test
    void jdkHttpClientCallsHelloOverMutualTlsByIdentityNotHostName() throws Exception {
        Path certs = pki.writeCertDir(work.resolve("jdk-client-certs"), pki.workload("demo", "jdk-client"));
        String out = runClient("JdkHttpClientApp", certs, "https://127.0.0.1:" + port + "/", "jdk-client.log");
        assertThat(out)
                .contains("java.net.http -> https://127.0.0.1:" + port + "/: 200 hello spiffe://" + pki.trustDomain()
                        + "/ns/demo/sa/jdk-client");
        assertThat(Files.readString(helloLog))
                .contains("GET / from spiffe://" + pki.trustDomain() + "/ns/demo/sa/jdk-client");
    }

    @Test
    void okHttpClientPresentsItsWorkloadCertificate() throws Exception {
        Path certs = pki.writeCertDir(work.resolve("okhttp-client-certs"), pki.workload("demo", "okhttp-client"));
        String out = runClient("OkHttpClientApp", certs, "https://localhost:" + port + "/", "okhttp-client.log");
        assertThat(out)
                .contains("okhttp -> https://localhost:" + port + "/: 200 hello spiffe://" + pki.trustDomain()
                        + "/ns/demo/sa/okhttp-client");
    }

    @Test
    void helloRefusesACallerWithoutACertificate() throws Exception {
        // openssl trusts the mesh CA, so the server's certificate verifies: the refusal is hello's.
        Path ca = work.resolve("mesh-ca.crt");
        Files.writeString(ca, pki.bundle().toPem());
        Process openssl = new ProcessBuilder(
                        "openssl",
                        "s_client",
                        "-connect",
                        "127.0.0.1:" + port,
                        "-CAfile",
                        ca.toString(),
                        "-verify_return_error",
                        "-quiet")
                .redirectErrorStream(true)
                .start();
        try {
            openssl.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            openssl.getOutputStream().close();
            assertThat(openssl.waitFor(60, TimeUnit.SECONDS))
                    .as("openssl finished")
                    .isTrue();
            String out = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            // The client verified hello's certificate (depth 0), then hello ended the handshake.
            assertThat(out).contains("depth=0").contains("verify return:1").doesNotContain("hello ");
            assertThat(openssl.exitValue()).as(out).isNotZero();
        } finally {
            openssl.destroyForcibly();
        }
    }

    @Test
    void clientWithoutTheAgentCannotReachTheMesh() throws Exception {
        List<String> command = javaCommand("JdkHttpClientApp", null);
        String out = run(
                command,
                Map.of("TARGET_URL", "https://127.0.0.1:" + port + "/", "COUNT", "1"),
                work.resolve("plain-client.log"),
                1);
        assertThat(out).contains("failed: javax.net.ssl.SSLHandshakeException").doesNotContain("200 hello");
    }

    private static String runClient(String app, Path certs, String url, String log) throws Exception {
        return run(javaCommand(app, certs), Map.of("TARGET_URL", url, "COUNT", "1"), work.resolve(log), 0);
    }

    private static String run(List<String> command, Map<String, String> env, Path log, int expectedExit)
            throws Exception {
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            assertThat(process.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                    .as("%s finished:\n%s", command, Files.readString(log))
                    .isTrue();
            String out = Files.readString(log);
            assertThat(process.exitValue()).as(out).isEqualTo(expectedExit);
            return out;
        } finally {
            process.destroyForcibly();
        }
    }

    private static Process start(String app, Path certs, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(javaCommand(app, certs))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    /** {@code java [-javaagent:meshless-agent.jar=cert-dir=DIR] -cp examples io.meshless.examples.APP}. */
    private static List<String> javaCommand(String app, Path certsOrNull) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (certsOrNull != null) {
            Path agent = Path.of(System.getProperty("meshless.agent.jar", "../agent/target/meshless-agent.jar"));
            assertThat(agent).as("the agent jar (build the agent module first)").isRegularFile();
            command.add("-javaagent:" + agent.toAbsolutePath() + "=cert-dir=" + certsOrNull);
        }
        command.add("-cp");
        command.add(System.getProperty("meshless.examples.classpath"));
        command.add("io.meshless.examples." + app);
        return command;
    }
}
