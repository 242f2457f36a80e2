package io.meshless.benchmarks;

import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyType;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.SpiffeId;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Workload certificates per second from one CA, each with a fresh key pair of the leaf's type: what
 * the injector's controller does for every service account. The CA is P-256 (the default mesh CA)
 * or RSA-2048 (a CA brought from elsewhere), because the CA's key decides the signing cost. Run
 * with {@code -t 2} for the rate of concurrent issuance.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class IssuanceBenchmark {
    @Param({"EC_P256", "RSA_2048"})
    public String caKeyType;

    @Param({"EC_P256", "RSA_2048"})
    public String keyType;

    private CertificateAuthority ca;
    private LeafSpec spec;

    @Setup
    public void setUp() {
        ca = CertificateAuthority.createRoot(
                "bench mesh CA", Duration.ofDays(2), KeyType.valueOf(caKeyType), Clock.systemUTC());
        spec = LeafSpec.builder()
                .spiffeId(SpiffeId.forServiceAccount("cluster.local", "shop", "orders"))
                .keyType(KeyType.valueOf(keyType))
                .build();
    }

    @Benchmark
    public HeldCertificate issue() {
        return ca.issue(spec);
    }
}
