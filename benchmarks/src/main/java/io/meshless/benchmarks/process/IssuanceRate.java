package io.meshless.benchmarks.process;

import io.meshless.commandline.Arguments;
import io.meshless.commandline.Options;
import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.KeyType;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.SpiffeId;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Leaf issuance rate for run.sh (the JMH IssuanceBenchmark measures the same with more rigour):
 * a fresh key per leaf, one thread, a warm-up second per combination. P-256 and RSA-2048 leaves from a
 * P-256 CA (the default mesh CA), and P-256 leaves from an RSA-2048 CA, whose signature dominates.
 *
 * <p>Prints one line: {@code p256_per_s=… rsa2048_per_s=… p256_rsaca_per_s=…}.
 */
public final class IssuanceRate {
    private static final Options OPTIONS = new Options().value("--seconds", "S", "per key type (default 5)");

    private IssuanceRate() {}

    public static void main(String[] argv) throws Exception {
        Arguments args = OPTIONS.parse(List.of(argv));
        double seconds = args.seconds("--seconds", Duration.ofSeconds(5)).toNanos() / 1e9;
        CertificateAuthority ca = CertificateAuthority.createRoot(
                "bench mesh CA", Duration.ofDays(2), KeyType.EC_P256, Clock.systemUTC());
        double p256 = rate(ca, KeyType.EC_P256, seconds);
        double rsa = rate(ca, KeyType.RSA_2048, seconds);
        CertificateAuthority rsaCa = CertificateAuthority.createRoot(
                "bench RSA CA", Duration.ofDays(2), KeyType.RSA_2048, Clock.systemUTC());
        double p256FromRsa = rate(rsaCa, KeyType.EC_P256, seconds);
        System.out.printf(
                Locale.ROOT, "p256_per_s=%.0f rsa2048_per_s=%.1f p256_rsaca_per_s=%.0f%n", p256, rsa, p256FromRsa);
    }

    private static double rate(CertificateAuthority ca, KeyType type, double seconds) {
        LeafSpec spec = LeafSpec.builder()
                .spiffeId(SpiffeId.forServiceAccount("cluster.local", "shop", "orders"))
                .keyType(type)
                .build();
        long warm = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < warm) {
            ca.issue(spec);
        }
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long now = start;
        int n = 0;
        while (now < end && n < 10_000_000) {
            ca.issue(spec);
            n++;
            now = System.nanoTime();
        }
        return n / ((now - start) / 1e9);
    }
}
