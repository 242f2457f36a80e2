package io.meshless.injector.controller;

import static io.meshless.injector.controller.ControllerHarness.APP_NS;
import static io.meshless.injector.controller.ControllerHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.certificates.v1beta1.PodCertificateRequest;
import io.fabric8.kubernetes.api.model.certificates.v1beta1.PodCertificateRequestStatus;
import io.meshless.injector.webhook.IdentitySource;
import io.meshless.pki.CertificateReader;
import io.meshless.pki.KeyType;
import io.meshless.pki.SpiffeId;
import io.meshless.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Pod Certificate signer against the mock API server in CRUD mode, serving
 * {@code certificates.k8s.io/v1beta1} (Kubernetes 1.35), written with Fabric8's typed model as a
 * client of that version would; {@link PodCertificateApiVersionTest} covers v1 and neither.
 */
class PodCertificateSignerTest {

    @TempDir
    Path servingDir;

    private ControllerHarness h;
    private CertificateController controller;
    private final KeyPair kubeletKey = KeyType.EC_P256.generate();
    private Kubelet kubelet;

    @BeforeEach
    void cluster() {
        h = new ControllerHarness();
        kubelet = new Kubelet(h.admin, kubeletKey);
        h.servePodCertificateRequests("v1beta1");
        h.node(ControllerHarness.NODE);
        h.serviceAccount(APP_NS, "orders");
        h.webhookConfiguration();
        h.injectedPod(APP_NS, "orders-1", "orders");
        h.plainPod(APP_NS, "batch-1", "orders", Map.of(), Map.of());
        controller = h.startLeader(
                "replica-a",
                h.config("replica-a", servingDir)
                        .podCertificateSigner(true)
                        .podCertificateMaxLifetime(Duration.ofHours(12))
                        .build());
    }

    @AfterEach
    void shutdown() {
        h.close();
    }

    @Test
    void issuesTheOptedInPodsIdentityForKubeletsKeyWithinTheAskedLifetime() throws Exception {
        create(kubelet.request("orders-1-pcr", MeshlessMetadata.POD_CERTIFICATE_SIGNER, "orders-1", "orders", 7200));

        PodCertificateRequestStatus status = awaitAnswer("orders-1-pcr");
        assertThat(status.getConditions()).isNullOrEmpty();
        List<X509Certificate> chain = CertificateReader.parse(
                status.getCertificateChain().getBytes(StandardCharsets.US_ASCII), "certificateChain");
        X509Certificate leaf = chain.get(0);
        assertThat(leaf.getPublicKey().getEncoded())
                .isEqualTo(kubeletKey.getPublic().getEncoded());
        List<Object> sans = new java.util.ArrayList<>();
        leaf.getSubjectAlternativeNames().forEach(san -> sans.add(san.get(1)));
        assertThat(sans)
                .containsExactlyInAnyOrder(
                        SpiffeId.forServiceAccount("cluster.local", APP_NS, "orders")
                                .toString(),
                        "orders.shop.serviceaccount.cluster.local");
        Instant notBefore = h.clock.instant();
        assertThat(leaf.getNotBefore().toInstant()).isEqualTo(notBefore);
        assertThat(status.getNotBefore()).isEqualTo(notBefore.toString());
        assertThat(status.getNotAfter())
                .isEqualTo(notBefore.plus(Duration.ofHours(2)).toString());
        assertThat(status.getBeginRefreshAt())
                .isEqualTo(notBefore.plus(Duration.ofMinutes(80)).toString());
        List<X509Certificate> bundle = ControllerHarness.certificates(h.secret(NAMESPACE, "meshless-ca"), "ca.crt");
        ControllerHarness.assertChainsTo(chain, bundle, notBefore.plusSeconds(60));
    }

    @Test
    void aPodWithAPodCertificateVolumeGetsItsCertificateAndNoSecret() {
        h.serviceAccount(APP_NS, "payments");
        h.injectedPod(APP_NS, "payments-1", "payments", IdentitySource.POD_CERTIFICATES);
        create(kubelet.request(
                "payments-1-pcr", MeshlessMetadata.POD_CERTIFICATE_SIGNER, "payments-1", "payments", 7200));

        assertThat(awaitAnswer("payments-1-pcr").getCertificateChain()).contains("BEGIN CERTIFICATE");
        controller.reconcileNow();
        assertThat(h.secret(APP_NS, "meshless-payments")).isNull();
        // The Secret-sourced pod of the same namespace still has its Secret.
        assertThat(h.secret(APP_NS, "meshless-orders")).isNotNull();
    }

    @Test
    void capsTheLifetimeAtTheConfiguredMaximum() {
        create(kubelet.request("orders-1-pcr", MeshlessMetadata.POD_CERTIFICATE_SIGNER, "orders-1", "orders", 86400));

        PodCertificateRequestStatus status = awaitAnswer("orders-1-pcr");
        Instant notBefore = Instant.parse(status.getNotBefore());
        assertThat(status.getNotAfter())
                .isEqualTo(notBefore.plus(Duration.ofHours(12)).toString());
        assertThat(status.getBeginRefreshAt())
                .isEqualTo(notBefore.plus(Duration.ofHours(8)).toString());
    }

    @Test
    void leavesRequestsForOtherSignersAlone() {
        create(kubelet.request("other-pcr", "example.com/other", "orders-1", "orders", 7200));
        create(kubelet.request("orders-1-pcr", MeshlessMetadata.POD_CERTIFICATE_SIGNER, "orders-1", "orders", 7200));

        awaitAnswer("orders-1-pcr");
        controller.reconcileNow();
        assertThat(get("other-pcr").getStatus()).isNull();
    }

    @Test
    void deniesAPodThatDidNotOptIn() {
        create(kubelet.request("batch-1-pcr", MeshlessMetadata.POD_CERTIFICATE_SIGNER, "batch-1", "orders", 7200));

        assertThat(refusal("batch-1-pcr")).satisfies(c -> {
            assertThat(c.getType()).isEqualTo("Denied");
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("PodNotOptedIn");
            assertThat(c.getMessage()).contains("batch-1");
        });
        assertThat(get("batch-1-pcr").getStatus().getCertificateChain()).isNull();
    }

    @Test
    void failsMalformedRequestsAndKeepsSigning() {
        PodCertificateRequest badKey =
                kubelet.request("bad-key", MeshlessMetadata.POD_CERTIFICATE_SIGNER, "orders-1", "orders", 7200);
        badKey.getSpec()
                .setPkixPublicKey(Base64.getEncoder().encodeToString("not a key".getBytes(StandardCharsets.US_ASCII)));
        create(badKey);
        create(kubelet.request("unknown-pod", MeshlessMetadata.POD_CERTIFICATE_SIGNER, "ghost-1", "orders", 7200));
        create(kubelet.request("wrong-sa", MeshlessMetadata.POD_CERTIFICATE_SIGNER, "orders-1", "payments", 7200));
        PodCertificateRequest wrongUid =
                kubelet.request("wrong-uid", MeshlessMetadata.POD_CERTIFICATE_SIGNER, "orders-1", "orders", 7200);
        wrongUid.getSpec().setPodUID("00000000-0000-0000-0000-000000000000");
        create(wrongUid);

        assertThat(refusal("bad-key").getReason()).isEqualTo("InvalidPublicKey");
        assertThat(refusal("unknown-pod").getReason()).isEqualTo("PodNotFound");
        assertThat(refusal("wrong-sa").getReason()).isEqualTo("ServiceAccountMismatch");
        assertThat(refusal("wrong-uid").getReason()).isEqualTo("PodUIDMismatch");
        for (String name : List.of("bad-key", "unknown-pod", "wrong-sa", "wrong-uid")) {
            assertThat(refusal(name).getType()).as(name).isEqualTo("Failed");
        }

        create(kubelet.request("orders-1-pcr", MeshlessMetadata.POD_CERTIFICATE_SIGNER, "orders-1", "orders", 7200));
        assertThat(awaitAnswer("orders-1-pcr").getCertificateChain()).contains("BEGIN CERTIFICATE");
    }

    @Test
    void failsARequestWhoseServiceAccountWasReplacedUnderTheSameName() {
        PodCertificateRequest before =
                kubelet.request("orders-1-pcr", MeshlessMetadata.POD_CERTIFICATE_SIGNER, "orders-1", "orders", 7200);
        h.admin.serviceAccounts().inNamespace(APP_NS).withName("orders").delete();
        h.serviceAccount(APP_NS, "orders");
        create(before);

        Condition c = refusal("orders-1-pcr");
        assertThat(c.getType()).isEqualTo("Failed");
        assertThat(c.getReason()).isEqualTo("ServiceAccountUIDMismatch");
        assertThat(c.getMessage())
                .contains("ServiceAccount orders has UID")
                .contains(before.getSpec().getServiceAccountUID());
    }

    @Test
    void failsARequestFromANodeThatWasReplacedOrIsGone() {
        PodCertificateRequest before =
                kubelet.request("replaced-node", MeshlessMetadata.POD_CERTIFICATE_SIGNER, "orders-1", "orders", 7200);
        h.admin.nodes().withName(ControllerHarness.NODE).delete();
        create(kubelet.request("gone-node", MeshlessMetadata.POD_CERTIFICATE_SIGNER, "orders-1", "orders", 7200));
        assertThat(refusal("gone-node").getReason()).isEqualTo("NodeNotFound");

        h.node(ControllerHarness.NODE);
        create(before);
        Condition c = refusal("replaced-node");
        assertThat(c.getType()).isEqualTo("Failed");
        assertThat(c.getReason()).isEqualTo("NodeUIDMismatch");
        assertThat(c.getMessage())
                .contains("Node node-a has UID")
                .contains(before.getSpec().getNodeUID());
    }

    @Test
    void failsARequestFromAnotherNodeThanThePods() {
        PodCertificateRequest elsewhere =
                kubelet.request("elsewhere", MeshlessMetadata.POD_CERTIFICATE_SIGNER, "orders-1", "orders", 7200);
        elsewhere.getSpec().setNodeName("node-b");
        create(elsewhere);

        assertThat(refusal("elsewhere").getReason()).isEqualTo("NodeMismatch");
    }

    private Condition refusal(String name) {
        PodCertificateRequestStatus status = awaitAnswer(name);
        assertThat(status.getConditions()).as("conditions of %s", name).hasSize(1);
        return status.getConditions().get(0);
    }

    private PodCertificateRequestStatus awaitAnswer(String name) {
        return Await.atMost(Duration.ofSeconds(60)).untilPresent("an answer to PodCertificateRequest " + name, () -> {
            PodCertificateRequest r = get(name);
            return r != null && answered(r.getStatus()) ? r.getStatus() : null;
        });
    }

    private static boolean answered(PodCertificateRequestStatus status) {
        return status != null
                && (status.getCertificateChain() != null
                        || (status.getConditions() != null
                                && !status.getConditions().isEmpty()));
    }

    private PodCertificateRequest get(String name) {
        return h.admin
                .resources(PodCertificateRequest.class)
                .inNamespace(APP_NS)
                .withName(name)
                .get();
    }

    private void create(PodCertificateRequest request) {
        h.admin
                .resources(PodCertificateRequest.class)
                .inNamespace(APP_NS)
                .resource(request)
                .create();
    }
}
