package io.meshless.injector.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.meshless.injector.controller.WorkloadSecretContent.Action;
import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyType;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.SpiffeId;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the controller does with an existing workload Secret, decided without an API server. */
class WorkloadSecretContentTest {

    private static final Instant ISSUED = Instant.parse("2030-01-01T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(ISSUED, ZoneOffset.UTC);
    private static final SpiffeId ORDERS = SpiffeId.forServiceAccount("cluster.local", "shop", "orders");
    private static final HeldCertificate ROOT = root("current");
    private static final HeldCertificate OTHER_ROOT = root("other");
    private static final MeshCa CA = MeshCa.generated(ROOT);
    private static final Instant RENEW_AFTER = ISSUED.plus(Duration.ofHours(16));
    private static final Secret CURRENT = issued(CA);

    @Test
    void keepsACurrentSecret() {
        assertThat(decide(CURRENT, CA, ISSUED.plus(Duration.ofHours(1)))).isEqualTo(Action.KEEP);
    }

    @Test
    void issuesWhenAbsent() {
        assertThat(decide(null, CA, ISSUED)).isEqualTo(Action.REISSUE);
    }

    @Test
    void leavesASecretMeshlessDidNotCreateAlone() {
        Secret foreign = new SecretBuilder(CURRENT)
                .editMetadata()
                .removeFromLabels(MeshlessMetadata.LABEL_MANAGED_BY)
                .endMetadata()
                .build();

        WorkloadSecretContent.Decision decision = WorkloadSecretContent.decide(foreign, CA, ORDERS, ISSUED);

        assertThat(decision.action).isEqualTo(Action.FOREIGN);
        assertThat(decision.reason).contains(MeshlessMetadata.LABEL_MANAGED_BY);
    }

    @Test
    void reissuesASecretOfAnotherType() {
        Secret opaque = new SecretBuilder(CURRENT).withType("Opaque").build();

        assertThat(decide(opaque, CA, ISSUED)).isEqualTo(Action.REISSUE);
    }

    @Test
    void reissuesEditedData() {
        Secret edited = new SecretBuilder(CURRENT)
                .addToData(
                        MeshlessMetadata.TLS_KEY,
                        Base64.getEncoder().encodeToString("edited".getBytes(StandardCharsets.US_ASCII)))
                .build();

        assertThat(decide(edited, CA, ISSUED)).isEqualTo(Action.REISSUE);
    }

    @Test
    void reissuesForAnotherIdentity() {
        SpiffeId payments = SpiffeId.forServiceAccount("cluster.local", "shop", "payments");

        assertThat(WorkloadSecretContent.decide(CURRENT, CA, payments, ISSUED).action)
                .isEqualTo(Action.REISSUE);
    }

    @Test
    void reissuesWhenAnotherCaSigns() {
        MeshCa rotated = MeshCa.generated(OTHER_ROOT);

        assertThat(decide(CURRENT, rotated, ISSUED)).isEqualTo(Action.REISSUE);
    }

    @Test
    void reissuesOnceRenewalIsDue() {
        assertThat(decide(CURRENT, CA, RENEW_AFTER.minusSeconds(1))).isEqualTo(Action.KEEP);
        assertThat(decide(CURRENT, CA, RENEW_AFTER)).isEqualTo(Action.REISSUE);
    }

    @Test
    void onlyTheBundleChangesWhenTheSignerStaysAndTheBundleGrew() {
        MeshCa publishing = new MeshCa(
                ROOT,
                List.of(ROOT.certificate(), OTHER_ROOT.certificate()),
                MeshCa.Origin.GENERATED,
                new CaRotation.Publishing(ISSUED, OTHER_ROOT));

        assertThat(decide(CURRENT, publishing, ISSUED)).isEqualTo(Action.UPDATE_BUNDLE);
        assertThat(decide(WorkloadSecretContent.withBundle(CURRENT, publishing), publishing, ISSUED))
                .isEqualTo(Action.KEEP);
    }

    private static Action decide(Secret secret, MeshCa ca, Instant now) {
        return WorkloadSecretContent.decide(secret, ca, ORDERS, now).action;
    }

    private static Secret issued(MeshCa ca) {
        HeldCertificate leaf = new CertificateAuthority(ca.signer(), CLOCK)
                .issue(LeafSpec.builder()
                        .spiffeId(ORDERS)
                        .lifetime(Duration.ofHours(24))
                        .build());
        ServiceAccount owner = new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("orders")
                .withUid("uid-orders")
                .endMetadata()
                .build();
        return WorkloadSecretContent.issued("shop", "meshless-orders", owner, leaf, ca, ORDERS, RENEW_AFTER, null);
    }

    private static HeldCertificate root(String name) {
        return CertificateAuthority.createRoot("Secret test " + name, Duration.ofDays(30), KeyType.EC_P256, CLOCK)
                .held();
    }
}
