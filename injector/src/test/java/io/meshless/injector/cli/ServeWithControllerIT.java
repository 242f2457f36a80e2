package io.meshless.injector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.meshless.injector.ApiObjects;
import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyType;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.Pem;
import io.meshless.testing.Await;
import io.meshless.testing.ReportedPort;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar meshless-injector.jar serve} (webhook + controller) in a child JVM against the
 * Fabric8 mock API server in CRUD mode: the controller creates the mesh CA and the webhook's
 * serving certificate, curl verifies that certificate against the CA from the Secret, a pod of a
 * namespace labelled for injection is injected, and its Secret appears without further steps.
 */
class ServeWithControllerIT {
    private static final String HOST = "meshless-injector.meshless.svc";

    @TempDir
    Path dir;

    private KubernetesMockServer api;
    private KubernetesClient admin;
    private Process injector;

    @BeforeEach
    void startApiServer() {
        api = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        api.init(InetAddress.getLoopbackAddress(), 0);
        admin = api.createClient();
        ApiObjects.namespace(admin, "meshless", Map.of());
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (injector != null) {
            injector.destroy();
            if (!injector.waitFor(20, TimeUnit.SECONDS)) {
                injector.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        admin.close();
        api.destroy();
    }

    @Test
    void servesWebhookWithControllerIssuedCertificateAndCreatesTheWorkloadSecret() throws Exception {
        ApiObjects.namespace(admin, "shop", Map.of("meshless.io/inject", "enabled"));
        ApiObjects.serviceAccount(admin, "shop", "orders", Map.of());
        Path servingDir = Files.createDirectories(dir.resolve("serving"));
        int port = startInjector("--serving-cert-dir", servingDir.toString());

        Secret caSecret = awaitSecret("meshless", "meshless-ca");
        String caPem = new String(
                Base64.getDecoder()
                        .decode(caSecret.getData()
                                .getOrDefault("ca.crt", caSecret.getData().get("tls.crt"))),
                StandardCharsets.US_ASCII);
        Path caFile = Files.writeString(dir.resolve("mesh-ca.crt"), caPem);
        awaitReady(caFile, port);

        String answer = mutate(caFile, port, "pod-not-opted-in.json");
        assertThat(answer).contains("\"allowed\":true").contains("\"patchType\":\"JSONPatch\"");

        Secret workload = awaitSecret("shop", "meshless-orders");
        assertThat(workload.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(workload.getData()).containsKeys("tls.crt", "tls.key", "ca.crt");

        String metrics = curl(caFile, port, "https://" + HOST + ":" + port + "/metrics");
        assertThat(metrics)
                .contains("meshless_admissions_total{result=\"injected\"} 1")
                .contains("meshless_controller_leader 1")
                .contains("meshless_certificates_issued_total");
    }

    @Test
    void servesUserSuppliedCertificateWhileTheControllerIssuesWorkloadSecrets() throws Exception {
        ApiObjects.namespace(admin, "shop", Map.of());
        ApiObjects.serviceAccount(admin, "shop", "orders", Map.of());
        // e.g. issued by cert-manager: the controller must not replace it.
        CertificateAuthority userCa = CertificateAuthority.createRoot(
                "user webhook CA", Duration.ofDays(1), KeyType.EC_P256, Clock.systemUTC());
        HeldCertificate serving = userCa.issue(LeafSpec.builder().dnsName(HOST).build());
        Path cert = Files.writeString(dir.resolve("tls.crt"), serving.chainPem());
        Path key = Files.writeString(dir.resolve("tls.key"), serving.privateKeyPem());
        Path caFile = Files.writeString(dir.resolve("user-ca.crt"), Pem.encode(userCa.certificate()));
        int port = startInjector(
                "--agent-image-pull-policy",
                "Always",
                "--tls-cert-file",
                cert.toString(),
                "--tls-key-file",
                key.toString());
        awaitReady(caFile, port);

        String answer = mutate(caFile, port, "pod-opted-in.json");
        assertThat(answer).contains("\"allowed\":true").contains("\"patchType\":\"JSONPatch\"");
        String patch = answer.replaceAll("(?s).*\"patch\":\"([^\"]+)\".*", "$1");
        assertThat(new String(Base64.getDecoder().decode(patch), StandardCharsets.UTF_8))
                .contains("\"imagePullPolicy\":\"Always\"");
        awaitSecret("shop", "meshless-orders");
    }

    /** {@code java -jar meshless-injector.jar serve} of namespace "meshless" against the mock API, with options. */
    private int startInjector(String... options) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                javaBin(),
                "-Dkubernetes.master=" + admin.getConfiguration().getMasterUrl(),
                "-Dkubernetes.auth.tryKubeConfig=false",
                "-Dkubernetes.auth.tryServiceAccount=false",
                "-jar",
                "target/meshless-injector.jar",
                "serve",
                "--port",
                "0",
                "--bind",
                "127.0.0.1",
                "--namespace",
                "meshless",
                "--identity",
                "replica-1"));
        command.addAll(List.of(options));
        injector = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("injector.log").toFile())
                .start();
        return reportedPort(injector);
    }

    private Secret awaitSecret(String namespace, String name) {
        await(
                () -> admin.secrets().inNamespace(namespace).withName(name).get() != null,
                injector,
                "Secret " + namespace + "/" + name);
        return admin.secrets().inNamespace(namespace).withName(name).get();
    }

    private void awaitReady(Path caFile, int port) {
        await(
                () -> curl(
                                caFile,
                                port,
                                "-o",
                                "/dev/null",
                                "-w",
                                "%{http_code}",
                                "https://" + HOST + ":" + port + "/readyz")
                        .endsWith("200"),
                injector,
                "/readyz 200");
    }

    /** POSTs the AdmissionReview of the test resource {@code review} to /mutate; the answer's body. */
    private String mutate(Path caFile, int port, String review) throws IOException {
        return curl(
                caFile,
                port,
                "-X",
                "POST",
                "-H",
                "Content-Type: application/json",
                "--data-binary",
                Files.readString(Path.of("src/test/resources/admission/" + review)),
                "https://" + HOST + ":" + port + "/mutate");
    }

    /** The port {@code serve --port 0} bound, from its log line. */
    private int reportedPort(Process process) {
        return ReportedPort.in(
                dir.resolve("injector.log"),
                ServeLog.LISTENING,
                Await.atMost(Duration.ofSeconds(90))
                        .every(Duration.ofMillis(250))
                        .whileAlive(process, this::log));
    }

    private void await(Await.Condition condition, Process process, String what) {
        Await.atMost(Duration.ofSeconds(90))
                .every(Duration.ofMillis(250))
                .whileAlive(process, this::log)
                .until(what, condition);
    }

    private String log() throws IOException {
        return Files.readString(dir.resolve("injector.log"));
    }

    private static String curl(Path caFile, int port, String... args) {
        List<String> command = new ArrayList<>(List.of(
                "curl",
                "-sS",
                "--max-time",
                "20",
                "--cacert",
                caFile.toString(),
                "--resolve",
                HOST + ":" + port + ":127.0.0.1"));
        command.addAll(List.of(args));
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
