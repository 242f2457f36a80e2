package io.meshless.injector.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyType;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The CA rotation as a pure function: each phase's step, and every reason to wait, without an API server. */
class CaRotationPolicyTest {

    private static final Instant ISSUED = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration CA_LIFETIME = Duration.ofDays(30);
    private static final Duration DELAY = Duration.ofMinutes(5);
    private static final Duration LEAF = Duration.ofHours(24);
    private static final CaRotationPolicy POLICY = new CaRotationPolicy(DELAY, LEAF);
    private static final HeldCertificate OLD = root("old");
    private static final HeldCertificate NEW = root("new");
    private static final Supplier<HeldCertificate> NO_ROOT = () -> {
        throw new AssertionError("no rotation may start here");
    };

    @Test
    void stableCaBeforeTwoThirdsOfItsLifetimeStays() {
        MeshCa ca = MeshCa.generated(OLD);
        Instant justBefore = ISSUED.plus(Duration.ofDays(20)).minusSeconds(1);

        assertThat(POLICY.next(ca, justBefore, () -> true, NO_ROOT)).isEmpty();
    }

    @Test
    void stableCaAtTwoThirdsOfItsLifetimePublishesTheNextCa() {
        MeshCa ca = MeshCa.generated(OLD);
        Instant due = ISSUED.plus(Duration.ofDays(20));

        MeshCa next = POLICY.next(ca, due, () -> false, () -> NEW).orElseThrow();

        assertThat(next.rotation()).isEqualTo(new CaRotation.Publishing(due, NEW));
        assertThat(next.signer()).isEqualTo(OLD);
        assertThat(next.bundleCertificates()).containsExactly(OLD.certificate(), NEW.certificate());
        assertThat(next.generated()).isTrue();
    }

    @Test
    void requestedRotationStartsAtOnce() {
        MeshCa ca =
                new MeshCa(OLD, List.of(OLD.certificate()), MeshCa.Origin.GENERATED, new CaRotation.Stable(null, true));
        Instant early = ISSUED.plusSeconds(60);

        assertThat(POLICY.next(ca, early, () -> true, () -> NEW))
                .hasValueSatisfying(next -> assertThat(next.phase()).isEqualTo(RotationPhase.PUBLISHING));
    }

    @Test
    void suppliedCaIsNeverRotatedHereEvenWhenDueOrRequested() {
        MeshCa ca =
                new MeshCa(OLD, List.of(OLD.certificate()), MeshCa.Origin.SUPPLIED, new CaRotation.Stable(null, true));

        assertThat(POLICY.next(ca, ISSUED.plus(Duration.ofDays(29)), () -> true, NO_ROOT))
                .isEmpty();
    }

    @Test
    void publishingWaitsForThePropagationDelayWithoutAskingAboutBundles() {
        Instant since = ISSUED.plus(Duration.ofDays(20));
        MeshCa ca = publishing(since);

        Optional<MeshCa> next = POLICY.next(
                ca,
                since.plus(DELAY).minusSeconds(1),
                () -> {
                    throw new AssertionError("bundles listed before the delay passed");
                },
                NO_ROOT);

        assertThat(next).isEmpty();
    }

    @Test
    void publishingWaitsForEveryBundleAfterTheDelay() {
        Instant since = ISSUED.plus(Duration.ofDays(20));

        assertThat(POLICY.next(publishing(since), since.plus(DELAY), () -> false, NO_ROOT))
                .isEmpty();
    }

    @Test
    void publishingWithoutARecordedStartWaitsAFullDelay() {
        MeshCa ca = new MeshCa(
                OLD,
                List.of(OLD.certificate(), NEW.certificate()),
                MeshCa.Origin.GENERATED,
                new CaRotation.Publishing(null, NEW));

        assertThat(POLICY.next(ca, ISSUED.plus(Duration.ofDays(21)), () -> true, NO_ROOT))
                .isEmpty();
    }

    @Test
    void onceBundlesAreCurrentTheNextCaSignsAndThePreviousRetiresAfterTheLongestLeafLifetime() {
        Instant since = ISSUED.plus(Duration.ofDays(20));
        Instant now = since.plus(DELAY);

        MeshCa next = POLICY.next(publishing(since), now, () -> true, NO_ROOT).orElseThrow();

        assertThat(next.signer()).isEqualTo(NEW);
        assertThat(next.bundleCertificates()).containsExactly(OLD.certificate(), NEW.certificate());
        assertThat(next.rotation())
                .isEqualTo(new CaRotation.Retiring(now, now.plus(LEAF).plus(DELAY), OLD.certificate()));
    }

    @Test
    void retiringKeepsThePreviousCaTrustedUntilItsRetireTime() {
        Instant retireAfter = ISSUED.plus(Duration.ofDays(21));

        assertThat(POLICY.next(
                        retiring(retireAfter, OLD.certificate()), retireAfter.minusSeconds(1), () -> true, NO_ROOT))
                .isEmpty();
    }

    @Test
    void afterTheRetireTimeThePreviousCaLeavesTheBundle() {
        Instant retireAfter = ISSUED.plus(Duration.ofDays(21));

        MeshCa next = POLICY.next(retiring(retireAfter, OLD.certificate()), retireAfter, () -> true, NO_ROOT)
                .orElseThrow();

        assertThat(next.signer()).isEqualTo(NEW);
        assertThat(next.bundleCertificates()).containsExactly(NEW.certificate());
        assertThat(next.rotation()).isEqualTo(new CaRotation.Stable(retireAfter, false));
    }

    @Test
    void retiringWithoutARecordedPreviousCaKeepsTheBundle() {
        Instant retireAfter = ISSUED.plus(Duration.ofDays(21));

        MeshCa next = POLICY.next(retiring(retireAfter, null), retireAfter, () -> true, NO_ROOT)
                .orElseThrow();

        assertThat(next.bundleCertificates()).containsExactly(OLD.certificate(), NEW.certificate());
        assertThat(next.phase()).isEqualTo(RotationPhase.STABLE);
    }

    private static MeshCa publishing(Instant since) {
        return new MeshCa(
                OLD,
                List.of(OLD.certificate(), NEW.certificate()),
                MeshCa.Origin.GENERATED,
                new CaRotation.Publishing(since, NEW));
    }

    private static MeshCa retiring(Instant retireAfter, X509Certificate previous) {
        return new MeshCa(
                NEW,
                List.of(OLD.certificate(), NEW.certificate()),
                MeshCa.Origin.GENERATED,
                new CaRotation.Retiring(retireAfter.minus(LEAF), retireAfter, previous));
    }

    private static HeldCertificate root(String name) {
        return CertificateAuthority.createRoot(
                        "Rotation test " + name, CA_LIFETIME, KeyType.EC_P256, Clock.fixed(ISSUED, ZoneOffset.UTC))
                .held();
    }
}
