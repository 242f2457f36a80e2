package io.meshless.injector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.meshless.testing.Await;
import io.meshless.testing.ReportedPort;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    @Test
    void servesWebhookWithControllerIssuedCertificateAndCreatesTheWorkloadSecret() throws Exception {
        KubernetesMockServer api = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        api.init(InetAddress.getLoopbackAddress(), 0);
        KubernetesClient admin = api.createClient();
        Process injector = null;
        try {
            admin.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName("meshless")
                            .endMetadata()
                            .build())
                    .create();
            admin.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName("shop")
                            .addToLabels("meshless.io/inject", "enabled")
                            .endMetadata()
                            .build())
                    .create();
            admin.serviceAccounts()
                    .inNamespace("shop")
                    .resource(new ServiceAccountBuilder()
                            .withNewMetadata()
                            .withName("orders")
                            .withNamespace("shop")
                            .endMetadata()
                            .build())
                    .create();
            Path servingDir = Files.createDirectories(dir.resolve("serving"));
            injector = new ProcessBuilder(
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
                            "replica-1",
                            "--serving-cert-dir",
                            servingDir.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("injector.log").toFile())
                    .start();
            Process running = injector;
            int port = reportedPort(running);

            await(
                    () -> admin.secrets()
                                    .inNamespace("meshless")
                                    .withName("meshless-ca")
                                    .get()
                            != null,
                    running,
                    "mesh CA Secret");
            Secret caSecret = admin.secrets()
                    .inNamespace("meshless")
                    .withName("meshless-ca")
                    .get();
            String caPem = new String(
                    Base64.getDecoder()
                            .decode(caSecret.getData()
                                    .getOrDefault("ca.crt", caSecret.getData().get("tls.crt"))),
                    StandardCharsets.US_ASCII);
            Path caFile = Files.writeString(dir.resolve("mesh-ca.crt"), caPem);
            String base = "https://" + HOST + ":" + port;
            await(
                    () -> curl(caFile, port, "-o", "/dev/null", "-w", "%{http_code}", base + "/readyz")
                            .endsWith("200"),
                    running,
                    "/readyz 200");

            String review = Files.readString(Path.of("src/test/resources/admission/pod-not-opted-in.json"));
            String answer = curl(
                    caFile,
                    port,
                    "-X",
                    "POST",
                    "-H",
                    "Content-Type: application/json",
                    "--data-binary",
                    review,
                    base + "/mutate");
            assertThat(answer).contains("\"allowed\":true").contains("\"patchType\":\"JSONPatch\"");

            await(
                    () -> admin.secrets()
                                    .inNamespace("shop")
                                    .withName("meshless-orders")
                                    .get()
                            != null,
                    running,
                    "Secret shop/meshless-orders");
            Secret workload = admin.secrets()
                    .inNamespace("shop")
                    .withName("meshless-orders")
                    .get();
            assertThat(workload.getType()).isEqualTo("kubernetes.io/tls");
            assertThat(workload.getData()).containsKeys("tls.crt", "tls.key", "ca.crt");

            String metrics = curl(caFile, port, base + "/metrics");
            assertThat(metrics)
                    .contains("meshless_admissions_total{result=\"injected\"} 1")
                    .contains("meshless_controller_leader 1")
                    .contains("meshless_certificates_issued_total");
        } finally {
            if (injector != null) {
                injector.destroy();
                if (!injector.waitFor(20, TimeUnit.SECONDS)) {
                    injector.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            admin.close();
            api.destroy();
        }
    }

    @Test
    void servesUserSuppliedCertificateWhileTheControllerIssuesWorkloadSecrets() throws Exception {
        KubernetesMockServer api = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        api.init(InetAddress.getLoopbackAddress(), 0);
        KubernetesClient admin = api.createClient();
        Process injector = null;
        try {
            admin.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName("meshless")
                            .endMetadata()
                            .build())
                    .create();
            admin.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName("shop")
                            .endMetadata()
                            .build())
                    .create();
            admin.serviceAccounts()
                    .inNamespace("shop")
                    .resource(new ServiceAccountBuilder()
                            .withNewMetadata()
                            .withName("orders")
                            .withNamespace("shop")
                            .endMetadata()
                            .build())
                    .create();
            // e.g. issued by cert-manager: the controller must not replace it.
            io.meshless.pki.CertificateAuthority userCa = io.meshless.pki.CertificateAuthority.createRoot(
                    "user webhook CA",
                    java.time.Duration.ofDays(1),
                    io.meshless.pki.KeyType.EC_P256,
                    java.time.Clock.systemUTC());
            io.meshless.pki.HeldCertificate serving = userCa.issue(
                    io.meshless.pki.LeafSpec.builder().dnsName(HOST).build());
            Path cert = Files.writeString(dir.resolve("tls.crt"), serving.chainPem());
            Path key = Files.writeString(dir.resolve("tls.key"), serving.privateKeyPem());
            Path caFile =
                    Files.writeString(dir.resolve("user-ca.crt"), io.meshless.pki.Pem.encode(userCa.certificate()));
            injector = new ProcessBuilder(
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
                            "replica-1",
                            "--agent-image-pull-policy",
                            "Always",
                            "--tls-cert-file",
                            cert.toString(),
                            "--tls-key-file",
                            key.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("injector.log").toFile())
                    .start();
            Process running = injector;
            int port = reportedPort(running);
            String base = "https://" + HOST + ":" + port;
            await(
                    () -> curl(caFile, port, "-o", "/dev/null", "-w", "%{http_code}", base + "/readyz")
                            .endsWith("200"),
                    running,
                    "/readyz 200");

            String review = Files.readString(Path.of("src/test/resources/admission/pod-opted-in.json"));
            String answer = curl(
                    caFile,
                    port,
                    "-X",
                    "POST",
                    "-H",
                    "Content-Type: application/json",
                    "--data-binary",
                    review,
                    base + "/mutate");
            assertThat(answer).contains("\"allowed\":true").contains("\"patchType\":\"JSONPatch\"");
            String patch = answer.replaceAll("(?s).*\"patch\":\"([^\"]+)\".*", "$1");
            assertThat(new String(Base64.getDecoder().decode(patch), StandardCharsets.UTF_8))
                    .contains("\"imagePullPolicy\":\"Always\"");
            await(
                    () -> admin.secrets()
                                    .inNamespace("shop")
                                    .withName("meshless-orders")
                                    .get()
                            != null,
                    running,
                    "Secret shop/meshless-orders");
        } finally {
            if (injector != null) {
                injector.destroy();
                if (!injector.waitFor(20, TimeUnit.SECONDS)) {
                    injector.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            admin.close();
            api.destroy();
        }
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
