package io.meshless.injector.controller;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyType;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.SpiffeId;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;

/**
 * Not a test: how many workload Secrets per second the controller's issuing path (P-256 key,
 * certificate, PEM, Secret object with hashes) produces on one thread. Reports wall-clock rate
 * and rate per CPU-second, since shared machines make wall-clock figures meaningless.
 * Run: {@code java -cp <test classpath> io.meshless.injector.controller.IssuanceRate [seconds]}.
 */
public final class IssuanceRate {

    private IssuanceRate() {}

    public static void main(String[] args) {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Clock clock = Clock.systemUTC();
        CertificateAuthority ca = CertificateAuthority.createRoot("rate", Duration.ofDays(30), KeyType.EC_P256, clock);
        MeshCa mesh = MeshCa.generated(ca.held());
        ServiceAccount owner = new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("sa")
                .withUid("u")
                .endMetadata()
                .build();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 4; round++) {
            long t0 = System.nanoTime();
            long c0 = mx.getCurrentThreadCpuTime();
            long end = t0 + seconds * 1_000_000_000L;
            int n = 0;
            while (System.nanoTime() < end) {
                SpiffeId id = SpiffeId.forServiceAccount("cluster.local", "ns" + n, "sa");
                HeldCertificate leaf = ca.issue(LeafSpec.builder().spiffeId(id).build());
                WorkloadSecretContent.issued("ns" + n, "meshless-sa", owner, leaf, mesh, id, clock.instant(), null);
                n++;
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            double cpu = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
            System.out.printf(
                    "round %d: %d Secrets, %.0f/s wall-clock, %.0f per CPU-second%n", round, n, n / wall, n / cpu);
        }
    }
}
