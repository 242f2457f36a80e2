package io.meshless.injector.controller;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A snapshot of what the controller reports on /metrics. Immutable. */
public final class ControllerMetrics {

    private final long certificatesIssued;
    private final Duration caExpiresIn;
    private final Map<String, Duration> secretExpiresIn;
    private final boolean leader;

    ControllerMetrics(
            long certificatesIssued, Duration caExpiresIn, Map<String, Duration> secretExpiresIn, boolean leader) {
        this.certificatesIssued = certificatesIssued;
        this.caExpiresIn = caExpiresIn;
        this.secretExpiresIn = Collections.unmodifiableMap(new LinkedHashMap<>(secretExpiresIn));
        this.leader = leader;
    }

    /** Workload and serving certificates this replica issued since it started. */
    public long certificatesIssued() {
        return certificatesIssued;
    }

    /** Time until the signing CA expires (negative once expired); empty before the CA is loaded. */
    public Optional<Duration> caExpiresIn() {
        return Optional.ofNullable(caExpiresIn);
    }

    /** Time until each managed Secret's certificate expires, keyed "namespace/name". */
    public Map<String, Duration> secretExpiresIn() {
        return secretExpiresIn;
    }

    public boolean leader() {
        return leader;
    }

    @Override
    public String toString() {
        return "ControllerMetrics{issued=" + certificatesIssued + ", caExpiresIn=" + caExpiresIn + ", secrets="
                + secretExpiresIn.size() + ", leader=" + leader + '}';
    }
}
