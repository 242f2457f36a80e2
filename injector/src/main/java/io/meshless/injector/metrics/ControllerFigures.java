package io.meshless.injector.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What the certificate controller reports, copied at scrape time from its own snapshot.
 *
 * @param certificatesIssued workload and serving certificates this replica issued
 * @param caExpiresIn time until the mesh CA expires, empty before it is loaded
 * @param secretExpiresIn time until each managed Secret's certificate expires, by "namespace/name"
 * @param leader whether this replica holds the Lease
 */
public record ControllerFigures(
        long certificatesIssued,
        Optional<Duration> caExpiresIn,
        Map<String, Duration> secretExpiresIn,
        boolean leader) {
    public ControllerFigures {
        secretExpiresIn = Map.copyOf(secretExpiresIn);
    }
}
