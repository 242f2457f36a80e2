package io.meshless.injector.controller;

import java.util.Locale;

/**
 * Where a mesh CA rotation stands. Recorded in the CA Secret's annotations, so a restarted
 * (or newly elected) controller resumes the rotation instead of starting over.
 */
public enum RotationPhase {
    /** One signing CA; no rotation under way. */
    STABLE,
    /** The next CA is in every trust bundle; leaves are still signed by the current CA. */
    PUBLISHING,
    /** Leaves are signed by the new CA; the previous CA stays in the bundles until its last leaf expired. */
    RETIRING;

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The controller's spelling exactly (lower case); empty or absent is {@link #STABLE}. */
    public static RotationPhase parse(String value) {
        if (value == null || value.isEmpty()) {
            return STABLE;
        }
        for (RotationPhase p : values()) {
            if (p.label().equals(value)) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                "unknown rotation phase '" + value + "', expected stable, publishing or retiring");
    }
}
