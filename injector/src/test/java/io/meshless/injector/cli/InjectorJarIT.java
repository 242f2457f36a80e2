package io.meshless.injector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyType;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.Pem;
import io.meshless.testing.Await;
import io.meshless.testing.ReportedPort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar as users run it: {@code java -jar target/meshless-injector.jar serve
 * --webhook-only ...} in a child JVM, spoken to by curl verifying the webhook's certificate
 * against the test CA (no -k anywhere), plus {@code inject -f -} through a pipe.
 */
class InjectorJarIT {
    private static final Path JAR = Path.of("target/meshless-injector.jar");

    @TempDir
    Path dir;

    @Test
    void webhookOnlyServerAnswersCurlOverVerifiedTls() throws Exception {
        CertificateAuthority ca =
                CertificateAuthority.createRoot("jar IT CA", Duration.ofDays(1), KeyType.EC_P256, Clock.systemUTC());
        HeldCertificate serving = ca.issue(
                LeafSpec.builder().dnsName("localhost").ipAddress("127.0.0.1").build());
        Path cert = Files.writeString(dir.resolve("tls.crt"), serving.chainPem());
        Path key = Files.writeString(dir.resolve("tls.key"), serving.privateKeyPem());
        Path caFile = Files.writeString(dir.resolve("ca.crt"), Pem.encode(ca.certificate()));
        Path review = Path.of("src/test/resources/admission/pod-opted-in.json");
        Process server = new ProcessBuilder(
                        javaBin(),
                        "-jar",
                        JAR.toString(),
                        "serve",
                        "--webhook-only",
                        "--port",
                        "0",
                        "--bind",
                        "127.0.0.1",
                        "--tls-cert-file",
                        cert.toString(),
                        "--tls-key-file",
                        key.toString(),
                        "--threads",
                        "2")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile())
                .start();
        try {
            int port = ReportedPort.in(
                    dir.resolve("server.log"),
                    ServeLog.LISTENING,
                    Await.atMost(Duration.ofSeconds(60))
                            .whileAlive(server, () -> Files.readString(dir.resolve("server.log"))));
            String base = "https://localhost:" + port;
            awaitReady(base, caFile, server);

            Result mutate = curl(
                    caFile,
                    "-X",
                    "POST",
                    "-H",
                    "Content-Type: application/json",
                    "--data-binary",
                    "@" + review,
                    base + "/mutate");
            assertThat(mutate.code).isZero();
            assertThat(mutate.out)
                    .contains("\"uid\":\"705ab4f5-6393-11e8-b7cc-42010a800002\"")
                    .contains("\"allowed\":true")
                    .contains("\"patchType\":\"JSONPatch\"");
            String patch = mutate.out.replaceAll("(?s).*\"patch\":\"([^\"]+)\".*", "$1");
            assertThat(new String(Base64.getDecoder().decode(patch), StandardCharsets.UTF_8))
                    .contains("meshless.io~1status")
                    .contains("meshless-orders");

            Result bad = curl(
                    caFile,
                    "-w",
                    "%{http_code}",
                    "-X",
                    "POST",
                    "-H",
                    "Content-Type: application/json",
                    "--data-binary",
                    "{\"apiVersion\":\"v1\"}",
                    base + "/mutate");
            assertThat(bad.out).contains("kind must be \"AdmissionReview\"").endsWith("400");

            Result metrics = curl(caFile, base + "/metrics");
            assertThat(metrics.out)
                    .contains("meshless_admissions_total{result=\"injected\"} 1")
                    .contains("meshless_admissions_total{result=\"invalid\"} 1");

            Result untrusted = new Result(run(List.of("curl", "-sS", "--max-time", "10", base + "/healthz")));
            assertThat(untrusted.code).isNotZero(); // curl's system CAs do not know the test CA
        } finally {
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void webhookOnlyRefusesToStartWithAKeyThatIsNotTheCertificates() throws Exception {
        CertificateAuthority ca =
                CertificateAuthority.createRoot("jar IT CA", Duration.ofDays(1), KeyType.EC_P256, Clock.systemUTC());
        HeldCertificate one = ca.issue(LeafSpec.builder().dnsName("localhost").build());
        HeldCertificate other = ca.issue(LeafSpec.builder().dnsName("localhost").build());
        Path cert = Files.writeString(dir.resolve("tls.crt"), one.chainPem());
        Path key = Files.writeString(dir.resolve("tls.key"), other.privateKeyPem());

        Process process = new ProcessBuilder(
                        javaBin(),
                        "-jar",
                        JAR.toString(),
                        "serve",
                        "--webhook-only",
                        "--port",
                        "0",
                        "--tls-cert-file",
                        cert.toString(),
                        "--tls-key-file",
                        key.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(output).contains(key.toString()).contains("does not belong to the certificate");
    }

    @Test
    void injectReadsStdinAndWritesStdout() throws Exception {
        Process process = new ProcessBuilder(javaBin(), "-jar", JAR.toString(), "inject", "-f", "-")
                .redirectInput(Path.of("src/test/resources/inject/multi.yaml").toFile())
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(out).isEqualTo(Files.readString(Path.of("src/test/resources/inject/multi.injected.yaml")));
    }

    private static void awaitReady(String base, Path caFile, Process server) {
        Await.atMost(Duration.ofSeconds(60))
                .every(Duration.ofMillis(200))
                .whileAlive(server, () -> "webhook process exited early")
                .until("the webhook to become ready", () -> curl(caFile, "-w", " %{http_code}", base + "/readyz")
                        .out
                        .endsWith(" 200"));
    }

    private static Result curl(Path caFile, String... args) throws Exception {
        List<String> command =
                new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "--cacert", caFile.toString()));
        command.addAll(List.of(args));
        return new Result(run(command));
    }

    private static Object[] run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Object[] {process.exitValue(), out};
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static final class Result {
        final int code;
        final String out;

        Result(Object[] codeAndOut) {
            this.code = (Integer) codeAndOut[0];
            this.out = (String) codeAndOut[1];
        }
    }
}
