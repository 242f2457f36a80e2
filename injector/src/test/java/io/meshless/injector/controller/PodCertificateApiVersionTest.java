package io.meshless.injector.controller;

import static io.meshless.injector.controller.ControllerHarness.APP_NS;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.certificates.v1beta1.PodCertificateRequest;
import io.meshless.pki.KeyType;
import io.meshless.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signer finds by API discovery which version of {@code certificates.k8s.io} serves
 * PodCertificateRequests and watches and answers through it; where none does it stays off. (The
 * mock keeps each version's objects apart, so a request left unanswered in the other version shows
 * which one the signer chose.)
 */
class PodCertificateApiVersionTest {

    private static final String OFF = "the pod certificate signer is off";

    @TempDir
    Path servingDir;

    private ControllerHarness h;
    private Kubelet kubelet;
    private CertificateController controller;

    @BeforeEach
    void cluster() {
        h = new ControllerHarness();
        kubelet = new Kubelet(h.admin, KeyType.EC_P256.generate());
        h.node(ControllerHarness.NODE);
        h.serviceAccount(APP_NS, "orders");
        h.webhookConfiguration();
        h.injectedPod(APP_NS, "orders-1", "orders");
        h.plainPod(APP_NS, "batch-1", "orders", Map.of(), Map.of());
    }

    @AfterEach
    void shutdown() {
        h.close();
    }

    @Test
    void signsAndRefusesThroughV1WhereOnlyV1IsServed() {
        h.servePodCertificateRequests("v1");
        startSigner();

        create("v1", "orders-1-pcr", "orders-1");
        create("v1", "batch-1-pcr", "batch-1");

        assertThat(awaitStatus("v1", "orders-1-pcr").get("certificateChain"))
                .asString()
                .contains("BEGIN CERTIFICATE");
        assertThat(awaitStatus("v1", "orders-1-pcr").get("notAfter")).isNotNull();
        assertThat(condition(awaitStatus("v1", "batch-1-pcr")))
                .containsEntry("type", "Denied")
                .containsEntry("reason", "PodNotOptedIn");
    }

    @Test
    void prefersV1WhenBothVersionsAreServed() {
        h.servePodCertificateRequests("v1", "v1beta1");
        startSigner();

        create("v1beta1", "beta-pcr", "orders-1");
        create("v1", "orders-1-pcr", "orders-1");

        assertThat(awaitStatus("v1", "orders-1-pcr")).containsKey("certificateChain");
        controller.reconcileNow();
        assertThat(get("v1beta1", "beta-pcr").getAdditionalProperties()).doesNotContainKey("status");
    }

    @Test
    void signsThroughV1beta1WhereOnlyV1beta1IsServed() {
        h.servePodCertificateRequests("v1beta1");
        startSigner();

        create("v1", "v1-pcr", "orders-1");
        create("v1beta1", "orders-1-pcr", "orders-1");

        assertThat(awaitStatus("v1beta1", "orders-1-pcr")).containsKey("certificateChain");
        controller.reconcileNow();
        assertThat(get("v1", "v1-pcr").getAdditionalProperties()).doesNotContainKey("status");
    }

    @Test
    void asksAgainWhenDiscoveryFailed() {
        // The first discovery is refused (as by a proxy in front of the API server), later ones answer.
        h.server
                .expect()
                .get()
                .withPath("/apis/certificates.k8s.io/v1")
                .andReturn(403, "")
                .once();
        h.servePodCertificateRequests("v1");
        String log = capturingStderr(this::startSigner);
        assertThat(log).contains("cannot tell which version of certificates.k8s.io serves PodCertificateRequests");

        create("v1", "orders-1-pcr", "orders-1");
        controller.reconcileNow();

        assertThat(awaitStatus("v1", "orders-1-pcr")).containsKey("certificateChain");
    }

    @Test
    void staysOffWithOneLogLineWhereNeitherVersionIsServedAndTheRestRuns() {
        h.servePodCertificateRequests();
        String log = capturingStderr(() -> {
            startSigner();
            create("v1", "orders-1-pcr", "orders-1");
            create("v1beta1", "beta-pcr", "orders-1");
            controller.reconcileNow();
            controller.reconcileNow();
        });

        assertThat(log.lines().filter(line -> line.contains(OFF)))
                .singleElement()
                .asString()
                .contains("Kubernetes 1.35")
                .contains("PodCertificateRequest");
        assertThat(get("v1", "orders-1-pcr").getAdditionalProperties()).doesNotContainKey("status");
        assertThat(get("v1beta1", "beta-pcr").getAdditionalProperties()).doesNotContainKey("status");
        // Everything else the controller does goes on: the Secret-sourced pod has its Secret.
        assertThat(h.secret(APP_NS, "meshless-orders")).isNotNull();
    }

    private void startSigner() {
        controller = h.startLeader(
                "replica-a",
                h.config("replica-a", servingDir).podCertificateSigner(true).build());
    }

    private void create(String version, String name, String pod) {
        PodCertificateRequest request =
                kubelet.request(name, MeshlessMetadata.POD_CERTIFICATE_SIGNER, pod, "orders", 7200);
        h.admin
                .genericKubernetesResources(Kubelet.version(version))
                .inNamespace(APP_NS)
                .resource(kubelet.inVersion(request, version))
                .create();
    }

    private GenericKubernetesResource get(String version, String name) {
        return h.admin
                .genericKubernetesResources(Kubelet.version(version))
                .inNamespace(APP_NS)
                .withName(name)
                .get();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> awaitStatus(String version, String name) {
        return Await.atMost(Duration.ofSeconds(60))
                .untilPresent("an answer to " + version + " PodCertificateRequest " + name, () -> {
                    Object status = get(version, name).getAdditionalProperties().get("status");
                    return status instanceof Map<?, ?> m && !m.isEmpty() ? (Map<String, Object>) m : null;
                });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> condition(Map<String, Object> status) {
        List<Map<String, Object>> conditions = (List<Map<String, Object>>) status.get("conditions");
        assertThat(conditions).hasSize(1);
        return conditions.get(0);
    }

    /** What slf4j-simple (which writes to the current System.err) logged while {@code run} ran. */
    private static String capturingStderr(Runnable run) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            run.run();
        } finally {
            System.setErr(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        original.print(text);
        return text;
    }
}
