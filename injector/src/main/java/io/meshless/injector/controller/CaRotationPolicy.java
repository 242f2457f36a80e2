package io.meshless.injector.controller;

import io.meshless.pki.HeldCertificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The rotation of a generated mesh CA as a pure function of the CA as read, the time and whether
 * every bundle holds the next CA. Each step is written to the CA Secret before anything depends on
 * it, so a controller that restarts between steps resumes from the recorded phase:
 *
 * <ol>
 *   <li>stable → publishing, at 2/3 of the CA's lifetime (like leaves) or when requested: the next
 *       CA joins the bundle; leaves are still signed by the current CA;
 *   <li>publishing → retiring, once the propagation delay passed and every bundle holds the next
 *       CA: the next CA signs; the previous one stays trusted until its last leaf expired;
 *   <li>retiring → stable, after that: the previous CA leaves the bundle.
 * </ol>
 */
final class CaRotationPolicy {

    private final Duration propagationDelay;
    private final Duration longestLeafLifetime;

    /**
     * @param propagationDelay how long a changed bundle takes to reach every workload (kubelet sync, agent reload)
     * @param longestLeafLifetime the longest lifetime of a leaf the CA signs (workload or serving certificate)
     */
    CaRotationPolicy(Duration propagationDelay, Duration longestLeafLifetime) {
        this.propagationDelay = propagationDelay;
        this.longestLeafLifetime = longestLeafLifetime;
    }

    static CaRotationPolicy of(ControllerConfig config) {
        Duration leaf = config.leafLifetime();
        Duration serving = config.servingLifetime();
        return new CaRotationPolicy(config.bundlePropagationDelay(), leaf.compareTo(serving) >= 0 ? leaf : serving);
    }

    /**
     * The CA the Secret should hold next, or empty when nothing changes now. A supplied CA is never
     * rotated here: its owner rotates it.
     *
     * @param bundlesCurrent whether every workload bundle and the webhook caBundle hold the next CA;
     *     asked only when publishing and the propagation delay has passed, since answering it lists
     *     every workload Secret
     * @param nextRoot creates the next CA; called only when a rotation starts
     */
    Optional<MeshCa> next(
            MeshCa current, Instant now, BooleanSupplier bundlesCurrent, Supplier<HeldCertificate> nextRoot) {
        if (!current.generated()) {
            return Optional.empty();
        }
        CaRotation rotation = current.rotation();
        if (rotation instanceof CaRotation.Stable stable) {
            if (!stable.requested() && !rotationDue(current.signer().certificate(), now)) {
                return Optional.empty();
            }
            HeldCertificate next = nextRoot.get();
            List<X509Certificate> bundle = new ArrayList<>(current.bundleCertificates());
            bundle.add(next.certificate());
            return Optional.of(new MeshCa(
                    current.signer(), bundle, MeshCa.Origin.GENERATED, new CaRotation.Publishing(now, next)));
        }
        if (rotation instanceof CaRotation.Publishing publishing) {
            Instant since = publishing.since().orElse(now);
            if (now.isBefore(since.plus(propagationDelay)) || !bundlesCurrent.getAsBoolean()) {
                return Optional.empty();
            }
            Instant retireAfter = now.plus(longestLeafLifetime).plus(propagationDelay);
            return Optional.of(new MeshCa(
                    publishing.next(),
                    current.bundleCertificates(),
                    MeshCa.Origin.GENERATED,
                    new CaRotation.Retiring(now, retireAfter, current.signer().certificate())));
        }
        CaRotation.Retiring retiring = (CaRotation.Retiring) rotation;
        if (now.isBefore(retiring.retireAfter())) {
            return Optional.empty();
        }
        List<X509Certificate> bundle = new ArrayList<>(current.bundleCertificates());
        if (retiring.previous() != null) {
            String gone = Fingerprints.of(retiring.previous());
            bundle.removeIf(c -> Fingerprints.of(c).equals(gone));
        }
        return Optional.of(
                new MeshCa(current.signer(), bundle, MeshCa.Origin.GENERATED, new CaRotation.Stable(now, false)));
    }

    /** A generated CA starts rotating at 2/3 of its lifetime, like leaves. */
    static boolean rotationDue(X509Certificate caCert, Instant now) {
        return !now.isBefore(RenewalTime.due(caCert));
    }
}
