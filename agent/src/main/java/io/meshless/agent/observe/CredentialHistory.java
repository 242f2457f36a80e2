package io.meshless.agent.observe;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** Rotations and the last refused content of the cert dir, as the reload listener reports them. */
public final class CredentialHistory {
    private final AtomicLong rotations = new AtomicLong();
    private volatile Instant lastRotation;
    private volatile String lastRefused;
    private volatile Instant lastRefusedAt;

    public void rotated(Instant at) {
        rotations.incrementAndGet();
        lastRotation = at;
    }

    public void refused(String why, Instant at) {
        lastRefused = why;
        lastRefusedAt = at;
    }

    long rotations() {
        return rotations.get();
    }

    /** Null before the first rotation. */
    Instant lastRotation() {
        return lastRotation;
    }

    /** Null when nothing was refused. */
    String lastRefused() {
        return lastRefused;
    }

    Instant lastRefusedAt() {
        return lastRefusedAt;
    }
}
