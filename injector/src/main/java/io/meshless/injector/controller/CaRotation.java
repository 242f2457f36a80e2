package io.meshless.injector.controller;

import io.meshless.pki.HeldCertificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a rotation of the mesh CA stands, with what each phase needs to carry on; recorded in the
 * CA Secret so a restarted or newly elected controller resumes it. See {@link CaRotationPolicy}.
 */
sealed interface CaRotation {

    RotationPhase phase();

    /** When the current phase began; absent for a CA that was never rotated. */
    Optional<Instant> since();

    /**
     * No rotation under way.
     *
     * @param started when the last rotation completed, or null
     * @param requested someone annotated the CA Secret to rotate now
     */
    record Stable(Instant started, boolean requested) implements CaRotation {
        @Override
        public RotationPhase phase() {
            return RotationPhase.STABLE;
        }

        @Override
        public Optional<Instant> since() {
            return Optional.ofNullable(started);
        }
    }

    /**
     * The next CA is in every trust bundle; leaves are still signed by the current CA.
     *
     * @param started when publishing began, or null when the Secret does not say
     * @param next the CA that will sign once every bundle holds it
     */
    record Publishing(Instant started, HeldCertificate next) implements CaRotation {
        public Publishing {
            Objects.requireNonNull(next, "next");
        }

        @Override
        public RotationPhase phase() {
            return RotationPhase.PUBLISHING;
        }

        @Override
        public Optional<Instant> since() {
            return Optional.ofNullable(started);
        }
    }

    /**
     * Leaves are signed by the new CA; the previous one stays in the bundles until its last leaf expired.
     *
     * @param started when the new CA began signing, or null when the Secret does not say
     * @param retireAfter when the previous CA leaves the bundles
     * @param previous the CA that signed before, or null when the Secret does not hold it
     */
    record Retiring(Instant started, Instant retireAfter, X509Certificate previous) implements CaRotation {
        public Retiring {
            Objects.requireNonNull(retireAfter, "retireAfter");
        }

        @Override
        public RotationPhase phase() {
            return RotationPhase.RETIRING;
        }

        @Override
        public Optional<Instant> since() {
            return Optional.ofNullable(started);
        }
    }
}
