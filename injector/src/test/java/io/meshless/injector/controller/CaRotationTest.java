package io.meshless.injector.controller;

import static io.meshless.injector.controller.ControllerHarness.APP_NS;
import static io.meshless.injector.controller.ControllerHarness.NAMESPACE;
import static io.meshless.injector.controller.ControllerHarness.assertChainsTo;
import static io.meshless.injector.controller.ControllerHarness.certificates;
import static io.meshless.injector.controller.ControllerHarness.fingerprints;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.meshless.pki.CertificateReader;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole CA rotation, driven by the clock: the new CA joins every bundle (workload Secrets and
 * the webhook's caBundle) before any leaf switches; leaves then switch; the old CA leaves the
 * bundles only after the last leaf it signed expired. A controller restarted mid-rotation resumes.
 */
class CaRotationTest {

    @TempDir
    Path servingDir;

    @Test
    void rotatesCaWithoutEverLeavingALeafUntrusted() throws Exception {
        try (ControllerHarness h = new ControllerHarness()) {
            h.serviceAccount(APP_NS, "orders");
            h.serviceAccount(APP_NS, "payments");
            h.webhookConfiguration();
            h.injectedPod(APP_NS, "orders-1", "orders");
            h.injectedPod(APP_NS, "payments-1", "payments");
            ControllerConfig config = h.config("replica-a", servingDir).build();
            CertificateController controller = h.startLeader("replica-a", config);
            h.awaitSecret(APP_NS, "meshless-orders");
            h.awaitSecret(APP_NS, "meshless-payments");
            controller.reconcileNow();

            X509Certificate oldCa =
                    certificates(h.secret(NAMESPACE, "meshless-ca"), "tls.crt").get(0);
            X509Certificate oldLeaf = leaf(h, "meshless-orders");
            X509Certificate oldPaymentsLeaf = leaf(h, "meshless-payments");
            assertThat(bundle(h, "meshless-orders")).containsExactly(Fingerprints.of(oldCa));

            // Phase 1: request the rotation. The new CA is published everywhere; no leaf changes.
            Secret ca = h.secret(NAMESPACE, "meshless-ca");
            h.admin
                    .secrets()
                    .inNamespace(NAMESPACE)
                    .resource(new SecretBuilder(ca)
                            .editMetadata()
                            .addToAnnotations(MeshlessMetadata.CA_ROTATE, "true")
                            .endMetadata()
                            .build())
                    .update();
            h.clock.advance(Duration.ofMinutes(1));
            controller.reconcileNow();

            Secret publishing = h.secret(NAMESPACE, "meshless-ca");
            assertThat(publishing.getMetadata().getAnnotations())
                    .containsEntry(MeshlessMetadata.CA_PHASE, "publishing")
                    .doesNotContainKey(MeshlessMetadata.CA_ROTATE);
            X509Certificate newCa = certificates(publishing, "next.crt").get(0);
            Set<String> both = Set.of(Fingerprints.of(oldCa), Fingerprints.of(newCa));
            assertThat(bundle(h, "meshless-orders")).isEqualTo(both);
            assertThat(bundle(h, "meshless-payments")).isEqualTo(both);
            assertThat(webhookBundle(h)).isEqualTo(both);
            assertThat(leaf(h, "meshless-orders").getSerialNumber()).isEqualTo(oldLeaf.getSerialNumber());
            assertThat(leaf(h, "meshless-payments").getSerialNumber()).isEqualTo(oldPaymentsLeaf.getSerialNumber());

            // Still inside the propagation delay (kubelet sync, agent reload): leaves stay on the old CA,
            // also for a controller that restarted and read the phase back from the CA Secret.
            controller.close();
            h.clock.advance(Duration.ofMinutes(3));
            controller = h.startLeader(
                    "replica-a2", h.config("replica-a2", servingDir).build());
            controller.reconcileNow();
            assertThat(leaf(h, "meshless-orders").getIssuerX500Principal()).isEqualTo(oldCa.getSubjectX500Principal());

            // Phase 2: after the delay, leaves are re-issued by the new CA; bundles keep both.
            h.clock.advance(Duration.ofMinutes(2));
            controller.reconcileNow();
            Secret retiring = h.secret(NAMESPACE, "meshless-ca");
            assertThat(retiring.getMetadata().getAnnotations()).containsEntry(MeshlessMetadata.CA_PHASE, "retiring");
            Instant retireAfter =
                    Instant.parse(retiring.getMetadata().getAnnotations().get(MeshlessMetadata.CA_RETIRE_AFTER));
            assertThat(certificates(retiring, "tls.crt").get(0)).isEqualTo(newCa);
            for (String name : List.of("meshless-orders", "meshless-payments")) {
                Secret s = h.secret(APP_NS, name);
                assertThat(bundle(h, name)).isEqualTo(both);
                assertChainsTo(certificates(s, "tls.crt"), List.of(newCa), h.clock.instant());
            }
            assertThat(webhookBundle(h)).isEqualTo(both);
            // The serving certificate follows the new CA too.
            assertThat(io.meshless.pki.CertDirectory.load(servingDir, h.clock)
                            .identity()
                            .certificate()
                            .getIssuerX500Principal())
                    .isEqualTo(newCa.getSubjectX500Principal());

            // The last leaves the old CA signed are still valid: the old CA must stay trusted until they expire.
            Instant lastOldLeafExpiry = max(
                    oldLeaf.getNotAfter().toInstant(),
                    oldPaymentsLeaf.getNotAfter().toInstant());
            assertThat(retireAfter).isAfterOrEqualTo(lastOldLeafExpiry);
            h.clock.set(lastOldLeafExpiry.minus(Duration.ofMinutes(1)));
            controller.reconcileNow();
            assertThat(bundle(h, "meshless-orders")).isEqualTo(both);
            assertThat(webhookBundle(h)).isEqualTo(both);

            // Phase 3: past the retire time the old CA leaves every bundle; leaves renewed meanwhile chain to the new
            // CA.
            h.clock.set(retireAfter.plusSeconds(1));
            controller.reconcileNow();
            assertThat(h.clock.instant()).isAfter(lastOldLeafExpiry);
            Secret done = h.secret(NAMESPACE, "meshless-ca");
            assertThat(done.getMetadata().getAnnotations()).containsEntry(MeshlessMetadata.CA_PHASE, "stable");
            assertThat(done.getData()).doesNotContainKeys("previous.crt", "next.crt", "next.key");
            Set<String> onlyNew = Set.of(Fingerprints.of(newCa));
            assertThat(bundle(h, "meshless-orders")).isEqualTo(onlyNew);
            assertThat(bundle(h, "meshless-payments")).isEqualTo(onlyNew);
            assertThat(webhookBundle(h)).isEqualTo(onlyNew);
            Secret orders = h.secret(APP_NS, "meshless-orders");
            assertChainsTo(certificates(orders, "tls.crt"), List.of(newCa), h.clock.instant());
        }
    }

    @Test
    void generatedCaStartsRotatingByItselfAtTwoThirdsOfItsLifetime() throws Exception {
        try (ControllerHarness h = new ControllerHarness()) {
            CertificateController controller = h.startLeader(
                    "replica-a",
                    h.config("replica-a", servingDir)
                            .caLifetime(Duration.ofDays(3))
                            .build());
            X509Certificate ca =
                    certificates(h.secret(NAMESPACE, "meshless-ca"), "tls.crt").get(0);
            Instant twoThirds = ca.getNotBefore().toInstant().plus(Duration.ofDays(2));

            h.clock.set(twoThirds.minusSeconds(60));
            controller.reconcileNow();
            assertThat(h.secret(NAMESPACE, "meshless-ca").getMetadata().getAnnotations())
                    .containsEntry(MeshlessMetadata.CA_PHASE, "stable");

            h.clock.set(twoThirds.plusSeconds(60));
            controller.reconcileNow();
            Secret rotating = h.secret(NAMESPACE, "meshless-ca");
            assertThat(rotating.getMetadata().getAnnotations()).containsEntry(MeshlessMetadata.CA_PHASE, "publishing");
            assertThat(certificates(rotating, "ca.crt")).hasSize(2);
            assertThat(certificates(rotating, "next.crt").get(0).getNotAfter().toInstant())
                    .isAfter(ca.getNotAfter().toInstant());
        }
    }

    private static X509Certificate leaf(ControllerHarness h, String name) throws Exception {
        return certificates(h.secret(APP_NS, name), "tls.crt").get(0);
    }

    private static Set<String> bundle(ControllerHarness h, String name) throws Exception {
        return fingerprints(certificates(h.secret(APP_NS, name), "ca.crt"));
    }

    private static Set<String> webhookBundle(ControllerHarness h) throws Exception {
        String caBundle = h.webhook().getWebhooks().get(0).getClientConfig().getCaBundle();
        return fingerprints(CertificateReader.parse(Base64.getDecoder().decode(caBundle), "caBundle"));
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
