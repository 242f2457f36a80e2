package io.meshless.injector.controller;

import static io.meshless.injector.controller.ControllerHarness.APP_NS;
import static io.meshless.injector.controller.ControllerHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.certificates.v1beta1.PodCertificateRequest;
import io.fabric8.kubernetes.api.model.certificates.v1beta1.PodCertificateRequestBuilder;
import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.KeyType;
import io.meshless.pki.Pem;
import io.meshless.testing.Await;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Controller failures become Warning Events on the object concerned, with its UID (which {@code
 * kubectl describe} selects on), one Event per object and reason whose count grows while the
 * problem repeats.
 */
class ControllerEventsTest {

    @TempDir
    Path servingDir;

    private ControllerHarness h;

    @BeforeEach
    void cluster() {
        h = new ControllerHarness();
        h.webhookConfiguration();
    }

    @AfterEach
    void shutdown() {
        h.close();
    }

    @Test
    void aSecretThatCannotBeWrittenIsOneEventOnTheServiceAccountCountingTheRetries() {
        h.serviceAccount(APP_NS, "orders");
        h.server
                .expect()
                .post()
                .withPath("/api/v1/namespaces/" + APP_NS + "/secrets")
                // An API error text longer than an Event may carry.
                .andReturn(403, TrustBundleTest.forbidden("secrets is forbidden: " + "x".repeat(2000)))
                .always();
        h.injectedPod(APP_NS, "orders-1", "orders");
        CertificateController controller =
                h.startLeader("replica-a", h.config("replica-a", servingDir).build());
        controller.reconcileNow();
        controller.reconcileNow();

        Event first = onlyEvent(APP_NS, EventReasons.WORKLOAD_CERTIFICATE_FAILED);
        assertThat(first.getType()).isEqualTo("Warning");
        assertThat(first.getInvolvedObject().getKind()).isEqualTo("ServiceAccount");
        assertThat(first.getInvolvedObject().getName()).isEqualTo("orders");
        assertThat(first.getInvolvedObject().getUid()).isEqualTo(uidOfServiceAccount("orders"));
        assertThat(first.getMessage())
                .contains("meshless-orders")
                .contains("forbidden")
                .hasSize(ControllerEvents.MAX_MESSAGE);
        assertThat(first.getCount()).isEqualTo(1);

        // The retries within a minute were counted; the next one after it writes the count.
        h.clock.advance(ControllerEvents.REWRITE_AFTER.plusSeconds(1));
        controller.reconcileNow();
        Event counted = onlyEvent(APP_NS, EventReasons.WORKLOAD_CERTIFICATE_FAILED);
        assertThat(counted.getMetadata().getName())
                .isEqualTo(first.getMetadata().getName());
        assertThat(counted.getCount()).isGreaterThanOrEqualTo(3);
        assertThat(counted.getLastTimestamp()).isEqualTo(h.clock.instant().toString());
        assertThat(counted.getFirstTimestamp()).isEqualTo(first.getFirstTimestamp());

        // An Event the API server let expire is recorded anew, keeping the count.
        h.admin
                .v1()
                .events()
                .inNamespace(APP_NS)
                .withName(first.getMetadata().getName())
                .delete();
        Await.atMost(Duration.ofSeconds(30))
                .until("the Event to be gone", () -> events(APP_NS, EventReasons.WORKLOAD_CERTIFICATE_FAILED)
                        .isEmpty());
        h.clock.advance(ControllerEvents.REWRITE_AFTER.plusSeconds(1));
        controller.reconcileNow();
        assertThat(onlyEvent(APP_NS, EventReasons.WORKLOAD_CERTIFICATE_FAILED).getCount())
                .isGreaterThan(counted.getCount());
    }

    @Test
    void aCertificateThatCannotBeIssuedIsAnEventAndTheOtherAccountsStillGetTheirs() {
        // Kubernetes would not accept this name; a SPIFFE ID cannot hold it either.
        h.serviceAccount(APP_NS, "bad:name", Map.of("meshless.io/certificate", "true"));
        h.serviceAccount(APP_NS, "orders", Map.of("meshless.io/certificate", "true"));
        h.startLeader("replica-a", h.config("replica-a", servingDir).build());

        h.awaitSecret(APP_NS, "meshless-orders");
        Event event = Await.atMost(Duration.ofSeconds(30))
                .untilPresent(
                        "the CertificateIssueFailed Event",
                        () -> events(APP_NS, EventReasons.CERTIFICATE_ISSUE_FAILED).stream()
                                .findFirst()
                                .orElse(null));
        assertThat(event.getInvolvedObject().getKind()).isEqualTo("ServiceAccount");
        assertThat(event.getInvolvedObject().getName()).isEqualTo("bad:name");
        assertThat(event.getMessage()).contains("could not issue").contains("':'");
    }

    @Test
    void aRefusedMeshCaIsAnEventOnTheCaSecret() {
        CertificateAuthority ca =
                CertificateAuthority.createRoot("Mesh CA", Duration.ofDays(365), KeyType.EC_P256, h.clock);
        CertificateAuthority other =
                CertificateAuthority.createRoot("Other CA", Duration.ofDays(365), KeyType.EC_P256, h.clock);
        h.putSecret(
                NAMESPACE,
                "meshless-ca",
                Map.of(
                        "tls.crt", Pem.encode(ca.held().chain()),
                        "tls.key", Pem.encode(other.held().privateKey()),
                        "ca.crt", Pem.encode(ca.certificate())));
        CertificateController controller =
                h.startLeader("replica-a", h.config("replica-a", servingDir).build());
        controller.reconcileNow();

        Event event = onlyEvent(NAMESPACE, EventReasons.MESH_CA_REFUSED);
        assertThat(event.getInvolvedObject().getKind()).isEqualTo("Secret");
        assertThat(event.getInvolvedObject().getName()).isEqualTo("meshless-ca");
        assertThat(event.getInvolvedObject().getUid())
                .isEqualTo(h.secret(NAMESPACE, "meshless-ca").getMetadata().getUid());
        assertThat(event.getMessage()).contains("tls.key").contains("does not belong to the certificate");
        assertThat(controller.ready()).isFalse();
    }

    @Test
    void aCaSecretThatCannotBeCreatedIsAnEventOnTheInjectorPod() {
        h.plainPod(NAMESPACE, "replica-a", "meshless-injector", Map.of(), Map.of());
        h.server
                .expect()
                .post()
                .withPath("/api/v1/namespaces/" + NAMESPACE + "/secrets")
                .andReturn(403, TrustBundleTest.forbidden("secrets is forbidden"))
                .always();
        CertificateController controller =
                h.startLeader("replica-a", h.config("replica-a", servingDir).build());
        controller.reconcileNow();

        Event event = onlyEvent(NAMESPACE, EventReasons.MESH_CA_FAILED);
        assertThat(event.getInvolvedObject().getKind()).isEqualTo("Pod");
        assertThat(event.getInvolvedObject().getName()).isEqualTo("replica-a");
        assertThat(event.getInvolvedObject().getUid())
                .isEqualTo(h.admin
                        .pods()
                        .inNamespace(NAMESPACE)
                        .withName("replica-a")
                        .get()
                        .getMetadata()
                        .getUid());
        assertThat(event.getMessage()).contains("Secret meshless/meshless-ca").contains("forbidden");
    }

    @Test
    void deniedAndFailedPodCertificateRequestsAreEventsOnThePod() throws Exception {
        h.servePodCertificateRequests("v1beta1");
        h.node(ControllerHarness.NODE);
        h.serviceAccount(APP_NS, "orders");
        h.injectedPod(APP_NS, "orders-1", "orders");
        h.plainPod(APP_NS, "batch-1", "orders", Map.of(), Map.of());
        h.startLeader(
                "replica-a",
                h.config("replica-a", servingDir).podCertificateSigner(true).build());

        byte[] kubeletKey =
                KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic().getEncoded();
        createRequest("batch-1-pcr", "batch-1", kubeletKey);
        createRequest("orders-1-pcr", "orders-1", new byte[] {1, 2, 3});

        Event denied = awaitEvent(EventReasons.POD_CERTIFICATE_DENIED);
        assertThat(denied.getInvolvedObject().getKind()).isEqualTo("Pod");
        assertThat(denied.getInvolvedObject().getName()).isEqualTo("batch-1");
        assertThat(denied.getInvolvedObject().getUid()).isEqualTo(uidOfPod("batch-1"));
        assertThat(denied.getMessage()).contains("batch-1-pcr");

        Event failed = awaitEvent(EventReasons.POD_CERTIFICATE_FAILED);
        assertThat(failed.getInvolvedObject().getName()).isEqualTo("orders-1");
        assertThat(failed.getInvolvedObject().getUid()).isEqualTo(uidOfPod("orders-1"));
        assertThat(failed.getMessage()).contains("orders-1-pcr").contains("InvalidPublicKey");
    }

    private void createRequest(String name, String pod, byte[] publicKey) {
        PodCertificateRequest request = new PodCertificateRequestBuilder()
                .withNewMetadata()
                .withNamespace(APP_NS)
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withSignerName(MeshlessMetadata.POD_CERTIFICATE_SIGNER)
                .withPodName(pod)
                .withPodUID(uidOfPod(pod))
                .withServiceAccountName("orders")
                .withServiceAccountUID(uidOfServiceAccount("orders"))
                .withNodeName(ControllerHarness.NODE)
                .withNodeUID(h.admin
                        .nodes()
                        .withName(ControllerHarness.NODE)
                        .get()
                        .getMetadata()
                        .getUid())
                .withMaxExpirationSeconds(7200)
                .withPkixPublicKey(Base64.getEncoder().encodeToString(publicKey))
                .withProofOfPossession(Base64.getEncoder().encodeToString(new byte[] {1}))
                .endSpec()
                .build();
        h.admin
                .resources(PodCertificateRequest.class)
                .inNamespace(APP_NS)
                .resource(request)
                .create();
    }

    private Event awaitEvent(String reason) {
        return Await.atMost(Duration.ofSeconds(30))
                .untilPresent(
                        "a " + reason + " Event",
                        () -> events(APP_NS, reason).stream().findFirst().orElse(null));
    }

    private Event onlyEvent(String namespace, String reason) {
        List<Event> found = events(namespace, reason);
        assertThat(found).as("%s Events in %s", reason, namespace).hasSize(1);
        return found.get(0);
    }

    private List<Event> events(String namespace, String reason) {
        return h.admin.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> reason.equals(e.getReason()))
                .toList();
    }

    private String uidOfServiceAccount(String name) {
        return h.admin
                .serviceAccounts()
                .inNamespace(APP_NS)
                .withName(name)
                .get()
                .getMetadata()
                .getUid();
    }

    private String uidOfPod(String name) {
        return h.admin
                .pods()
                .inNamespace(APP_NS)
                .withName(name)
                .get()
                .getMetadata()
                .getUid();
    }
}
