package io.meshless.injector.controller;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of what the controller reports on /metrics, taken at scrape time.
 *
 * @param certificatesIssued workload and serving certificates this replica issued since it started
 * @param caExpiresIn time until the signing CA expires (negative once expired); empty before it is loaded
 * @param secretExpiresIn time until each managed Secret's certificate expires, keyed "namespace/name"
 * @param leader whether this replica holds the Lease
 */
public record ControllerMetrics(
        long certificatesIssued,
        Optional<Duration> caExpiresIn,
        Map<String, Duration> secretExpiresIn,
        boolean leader) {
    public ControllerMetrics {
        secretExpiresIn = Map.copyOf(secretExpiresIn);
    }
}
