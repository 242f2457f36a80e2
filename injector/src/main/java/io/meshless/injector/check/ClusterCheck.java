package io.meshless.injector.check;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** The checks of {@code meshless-injector check}, in the order they are printed. */
public final class ClusterCheck {

    static final List<MeshCheck> CHECKS = List.of(
            new InjectorReadyCheck(),
            new WebhookConfiguredCheck(),
            new WebhookCaBundleCheck(),
            new PodCertificateApiCheck(),
            new MeshCaCheck(),
            new CaRotationCheck(),
            new WorkloadCertificatesCheck(),
            new WorkloadRenewalCheck(),
            new InjectedPodSecretsCheck(),
            new OptedInPodsInjectedCheck(),
            new TrustBundleCheck());

    private final Clock clock;

    public ClusterCheck(Clock clock) {
        this.clock = clock;
    }

    public CheckReport evaluate(ClusterState cluster) {
        List<CheckResult> results = new ArrayList<>();
        for (MeshCheck check : CHECKS) {
            results.add(check.evaluate(cluster, clock.instant()));
        }
        return new CheckReport(cluster.names(), results);
    }
}
