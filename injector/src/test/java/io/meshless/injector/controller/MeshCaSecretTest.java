package io.meshless.injector.controller;

import static io.meshless.injector.controller.ControllerHarness.APP_NS;
import static io.meshless.injector.controller.ControllerHarness.NAMESPACE;
import static io.meshless.injector.controller.ControllerHarness.assertChainsTo;
import static io.meshless.injector.controller.ControllerHarness.certificates;
import static io.meshless.injector.controller.ControllerHarness.fingerprints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.KeyType;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.Pem;
import io.meshless.pki.PkiException;
import io.meshless.pki.SpiffeId;
import io.meshless.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mesh CA Secret: user-supplied (cert-manager shape) is used and never overwritten; broken is refused by name. */
class MeshCaSecretTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String SOURCE = "Secret meshless/meshless-ca field ";

    @TempDir
    Path servingDir;

    private static final CertificateAuthority ROOT =
            CertificateAuthority.createRoot("Example Root", Duration.ofDays(3650), KeyType.EC_P256, CLOCK);
    private static final CertificateAuthority ISSUER =
            ROOT.createIntermediate("Example Mesh Issuer", Duration.ofDays(365), KeyType.EC_P256);

    /** What cert-manager writes for a CA Issuer backed by an intermediate: tls.crt, tls.key, ca.crt (the root). */
    private static Map<String, String> certManagerShape(CertificateAuthority ca, X509Certificate root) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("tls.crt", Pem.encode(ca.held().chain()));
        data.put("tls.key", Pem.encode(ca.held().privateKey()));
        data.put("ca.crt", Pem.encode(root));
        return data;
    }

    private static Secret secret(Map<String, String> text) {
        SecretBuilder b = new SecretBuilder()
                .withNewMetadata()
                .withNamespace("meshless")
                .withName("meshless-ca")
                .endMetadata()
                .withType("kubernetes.io/tls");
        text.forEach((k, v) -> b.addToData(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        return b.build();
    }

    private static PkiException refusal(Map<String, String> text) {
        try {
            CaSecrets.read(secret(text), CLOCK);
        } catch (PkiException e) {
            return e;
        }
        throw new AssertionError("CA Secret was accepted: " + text.keySet());
    }

    @Test
    void acceptsCertManagerIntermediateWithRootInCaCrt() throws Exception {
        MeshCa ca = CaSecrets.read(secret(certManagerShape(ISSUER, ROOT.certificate())), CLOCK);
        assertThat(ca.generated()).isFalse();
        assertThat(ca.phase()).isEqualTo(RotationPhase.STABLE);
        assertThat(fingerprints(ca.bundleCertificates())).containsExactly(Fingerprints.of(ROOT.certificate()));
    }

    @Test
    void selfSignedCaWithoutCaCrtIsItsOwnAnchor() throws Exception {
        Map<String, String> data = certManagerShape(ROOT, ROOT.certificate());
        data.remove("ca.crt");
        MeshCa ca = CaSecrets.read(secret(data), CLOCK);
        assertThat(fingerprints(ca.bundleCertificates())).containsExactly(Fingerprints.of(ROOT.certificate()));
    }

    @Test
    void refusesKeyOfAnotherCa() {
        Map<String, String> data = certManagerShape(ISSUER, ROOT.certificate());
        data.put("tls.key", Pem.encode(ROOT.held().privateKey()));
        PkiException e = refusal(data);
        assertThat(e.source()).isEqualTo(SOURCE + "tls.key");
        assertThat(e.getMessage())
                .contains("does not belong to the certificate in tls.crt")
                .contains("Example Mesh Issuer");
    }

    @Test
    void refusesTruncatedCertificate() {
        Map<String, String> data = certManagerShape(ISSUER, ROOT.certificate());
        data.put("tls.crt", data.get("tls.crt").substring(0, 120));
        assertThat(refusal(data).source()).isEqualTo(SOURCE + "tls.crt");
    }

    @Test
    void refusesMissingKey() {
        Map<String, String> data = certManagerShape(ISSUER, ROOT.certificate());
        data.remove("tls.key");
        PkiException e = refusal(data);
        assertThat(e.source()).isEqualTo(SOURCE + "tls.key");
        assertThat(e.reason()).startsWith("missing");
    }

    @Test
    void refusesEmptyCertificate() {
        Map<String, String> data = certManagerShape(ISSUER, ROOT.certificate());
        data.put("tls.crt", "");
        PkiException e = refusal(data);
        assertThat(e.source()).isEqualTo(SOURCE + "tls.crt");
        assertThat(e.reason()).contains("empty");
    }

    @Test
    void refusesLeafCertificateAsCa() {
        var leaf = ROOT.issue(LeafSpec.builder()
                .spiffeId(SpiffeId.parse("spiffe://cluster.local/ns/a/sa/b"))
                .build());
        Map<String, String> data = new LinkedHashMap<>();
        data.put("tls.crt", leaf.chainPem());
        data.put("tls.key", leaf.privateKeyPem());
        data.put("ca.crt", Pem.encode(ROOT.certificate()));
        PkiException e = refusal(data);
        assertThat(e.source()).isEqualTo(SOURCE + "tls.crt");
        assertThat(e.reason()).contains("is not a CA certificate");
    }

    @Test
    void refusesBundleWithoutTheRoot() {
        CertificateAuthority foreign =
                CertificateAuthority.createRoot("Foreign Root", Duration.ofDays(30), KeyType.EC_P256, CLOCK);
        PkiException e = refusal(certManagerShape(ISSUER, foreign.certificate()));
        assertThat(e.source()).isEqualTo(SOURCE + "ca.crt");
        assertThat(e.reason())
                .contains("does not contain the CA that anchors tls.crt")
                .contains("Example Root");
    }

    @Test
    void refusesExpiredCa() {
        Clock later = Clock.fixed(NOW.plus(Duration.ofDays(400)), ZoneOffset.UTC);
        assertThatThrownBy(() -> CaSecrets.read(secret(certManagerShape(ISSUER, ROOT.certificate())), later))
                .isInstanceOf(PkiException.class)
                .hasMessageContaining(SOURCE + "tls.crt")
                .hasMessageContaining("expired at");
    }

    @Test
    void refusesUnknownRotationPhase() {
        Secret s = secret(certManagerShape(ISSUER, ROOT.certificate()));
        s.getMetadata().setAnnotations(Map.of(MeshlessMetadata.CA_PHASE, "halfway"));
        assertThatThrownBy(() -> CaSecrets.read(s, CLOCK))
                .hasMessageContaining("Secret meshless/meshless-ca annotation meshless.io/ca-rotation-phase")
                .hasMessageContaining("unknown rotation phase 'halfway'");
    }

    @Test
    void refusesAnUnreadableRotationTimeNamingTheAnnotation() {
        Secret s = secret(certManagerShape(ISSUER, ROOT.certificate()));
        s.getMetadata().setAnnotations(Map.of(MeshlessMetadata.CA_RETIRE_AFTER, "next tuesday"));
        assertThatThrownBy(() -> CaSecrets.read(s, CLOCK))
                .isInstanceOf(PkiException.class)
                .hasMessageContaining("Secret meshless/meshless-ca annotation meshless.io/ca-retire-after")
                .hasMessageContaining("'next tuesday' is not an ISO-8601 instant");
    }

    @Test
    void issuesFromUserSuppliedCaAndNeverOverwritesIt() throws Exception {
        try (ControllerHarness h = new ControllerHarness()) {
            h.clock.set(NOW.plus(Duration.ofMinutes(1)));
            h.serviceAccount(APP_NS, "orders");
            h.putSecret(NAMESPACE, "meshless-ca", certManagerShape(ISSUER, ROOT.certificate()));
            Secret before = h.secret(NAMESPACE, "meshless-ca");
            CertificateController controller =
                    h.startLeader("replica-a", h.config("replica-a", servingDir).build());
            controller.serviceAccountNeedsSecret(APP_NS, "orders");
            controller.reconcileNow();

            Secret workload = h.secret(APP_NS, "meshless-orders");
            List<X509Certificate> chain = certificates(workload, "tls.crt");
            assertThat(chain).hasSize(2);
            assertThat(chain.get(1)).isEqualTo(ISSUER.certificate());
            assertThat(fingerprints(certificates(workload, "ca.crt")))
                    .containsExactly(Fingerprints.of(ROOT.certificate()));
            assertChainsTo(chain, List.of(ROOT.certificate()), h.clock.instant());

            // Time passes, leaves renew: the user's Secret stays exactly as the user wrote it.
            Await.atMost(Duration.ofSeconds(10))
                    .until(
                            "the controller to see its Secret",
                            () -> controller.metrics().secretExpiresIn().containsKey(APP_NS + "/meshless-orders"));
            h.clock.advance(Duration.ofDays(2));
            controller.reconcileNow();
            Secret after = h.secret(NAMESPACE, "meshless-ca");
            assertThat(after.getData()).isEqualTo(before.getData());
            assertThat(after.getMetadata().getResourceVersion())
                    .isEqualTo(before.getMetadata().getResourceVersion());
            assertThat(certificates(h.secret(APP_NS, "meshless-orders"), "tls.crt")
                            .get(0)
                            .getSerialNumber())
                    .isNotEqualTo(chain.get(0).getSerialNumber());
        }
    }

    @Test
    void damagedCaSecretIsRefusedWithItsNameAndNothingIsWritten() throws Exception {
        try (ControllerHarness h = new ControllerHarness()) {
            h.clock.set(NOW.plus(Duration.ofMinutes(1)));
            h.serviceAccount(APP_NS, "orders");
            Map<String, String> data = certManagerShape(ISSUER, ROOT.certificate());
            data.put("tls.key", Pem.encode(ROOT.held().privateKey()));
            h.putSecret(NAMESPACE, "meshless-ca", data);
            Secret before = h.secret(NAMESPACE, "meshless-ca");

            CertificateController controller =
                    h.startLeader("replica-a", h.config("replica-a", servingDir).build());
            controller.serviceAccountNeedsSecret(APP_NS, "orders");
            controller.reconcileNow();

            assertThat(controller.caProblem()).hasValueSatisfying(p -> assertThat(p.getMessage())
                    .startsWith("Secret meshless/meshless-ca field tls.key: ")
                    .contains("does not belong"));
            assertThat(controller.ready()).isFalse();
            assertThat(h.secret(APP_NS, "meshless-orders")).isNull();
            Secret after = h.secret(NAMESPACE, "meshless-ca");
            assertThat(after.getData()).isEqualTo(before.getData());
            assertThat(after.getMetadata().getResourceVersion())
                    .isEqualTo(before.getMetadata().getResourceVersion());
        }
    }
}
