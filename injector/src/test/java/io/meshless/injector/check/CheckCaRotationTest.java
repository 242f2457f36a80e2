package io.meshless.injector.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.meshless.injector.controller.PodCertificateApi;
import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rotation check's deadlines, judged on snapshots built in memory (no controller can be late in a mock). */
class CheckCaRotationTest {

    private static final Instant ISSUED = Instant.parse("2026-01-01T00:00:00Z");
    private static final HeldCertificate CA = CertificateAuthority.createRoot(
                    "Mesh CA", Duration.ofDays(300), KeyType.EC_P256, Clock.fixed(ISSUED, ZoneOffset.UTC))
            .held();
    private static final Instant DUE = ISSUED.plus(Duration.ofDays(200));

    private static CheckResult judge(Secret ca, Instant now) {
        ClusterState state = new ClusterState(
                InjectorNames.forRelease(MeshCluster.NAMESPACE, MeshCluster.RELEASE),
                null,
                null,
                ca,
                null,
                List.of(),
                List.of(),
                Set.of(),
                Set.of(),
                List.of(),
                PodCertificateApi.NOT_SERVED,
                TrustBundles.NONE);
        return new CaRotationCheck().evaluate(state, now);
    }

    private static Secret generatedCa(String phase, String since, String retireAfter) {
        Secret secret = MeshCluster.tlsSecret(MeshCluster.NAMESPACE, MeshCluster.CA_SECRET, CA, CA.chain());
        secret.getMetadata().setAnnotations(new java.util.HashMap<>());
        secret.getMetadata().getAnnotations().put("meshless.io/ca-origin", "generated");
        secret.getMetadata().getAnnotations().put("meshless.io/ca-rotation-phase", phase);
        if (since != null) {
            secret.getMetadata().getAnnotations().put("meshless.io/ca-rotation-since", since);
        }
        if (retireAfter != null) {
            secret.getMetadata().getAnnotations().put("meshless.io/ca-retire-after", retireAfter);
        }
        return secret;
    }

    @Test
    void stableCaPassesUntilTheRotationIsDueThenWarnsWhenItDidNotStart() {
        Secret ca = generatedCa("stable", null, null);

        CheckResult before = judge(ca, DUE.minus(Duration.ofDays(1)));
        CheckResult late = judge(ca, DUE.plus(Duration.ofHours(2)));

        assertThat(before.status()).isEqualTo(CheckStatus.PASS);
        assertThat(before.detail()).isEqualTo("stable; the next rotation starts in 24h (" + DUE + ")");
        assertThat(late.status()).isEqualTo(CheckStatus.WARN);
        assertThat(late.detail()).isEqualTo("stable, but the rotation was due 2h ago (" + DUE + ")");
        assertThat(late.fix()).contains("the leading controller starts it");
    }

    @Test
    void retiringPhaseWarnsOnlyWhenItOutlivedItsRetirement() {
        Instant retire = DUE.plus(Duration.ofDays(1));
        Secret ca = generatedCa("retiring", DUE.toString(), retire.toString());

        assertThat(judge(ca, retire.minusSeconds(60)).status()).isEqualTo(CheckStatus.PASS);
        assertThat(judge(ca, retire.plus(Duration.ofHours(3))).status()).isEqualTo(CheckStatus.WARN);
    }

    @Test
    void unreadablePhaseTimeFails() {
        CheckResult result = judge(generatedCa("publishing", "yesterday", null), DUE);

        assertThat(result.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(result.detail())
                .isEqualTo("Secret meshless-system/meshless-ca annotation meshless.io/ca-rotation-since:"
                        + " 'yesterday' is not an ISO-8601 instant");
    }

    @Test
    void phasesTheControllerWouldRefuseFail() {
        CheckResult retiring = judge(generatedCa("retiring", DUE.toString(), null), DUE);
        CheckResult publishing = judge(generatedCa("publishing", DUE.toString(), null), DUE);

        assertThat(retiring.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(retiring.detail())
                .isEqualTo("Secret meshless-system/meshless-ca annotation meshless.io/ca-retire-after missing although"
                        + " meshless.io/ca-rotation-phase is retiring");
        assertThat(publishing.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(publishing.detail())
                .isEqualTo("Secret meshless-system/meshless-ca field next.crt: is missing or empty although"
                        + " meshless.io/ca-rotation-phase is publishing");
        assertThat(publishing.fix()).startsWith("the controller refuses this CA Secret");
    }
}
