package io.meshless.injector.controller;

import io.meshless.pki.HeldCertificate;
import io.meshless.pki.TrustBundle;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** The mesh CA as read from its Secret: who signs, what every workload trusts, and the rotation state. Immutable. */
final class MeshCa {

    private final HeldCertificate signer;
    private final List<X509Certificate> bundle;
    private final boolean generated;
    private final RotationPhase phase;
    private final Instant phaseSince;
    private final Instant retireAfter;
    private final HeldCertificate next;
    private final X509Certificate previous;
    private final boolean rotateRequested;
    private final String signerFingerprint;
    private final String bundleFingerprint;

    MeshCa(
            HeldCertificate signer,
            List<X509Certificate> bundle,
            boolean generated,
            RotationPhase phase,
            Instant phaseSince,
            Instant retireAfter,
            HeldCertificate next,
            X509Certificate previous,
            boolean rotateRequested) {
        this.signer = signer;
        this.bundle = Collections.unmodifiableList(CaSecrets.distinct(bundle));
        this.generated = generated;
        this.phase = phase;
        this.phaseSince = phaseSince;
        this.retireAfter = retireAfter;
        this.next = next;
        this.previous = previous;
        this.rotateRequested = rotateRequested;
        this.signerFingerprint = Fingerprints.of(signer.certificate());
        this.bundleFingerprint = Fingerprints.ofSet(this.bundle);
    }

    HeldCertificate signer() {
        return signer;
    }

    List<X509Certificate> bundleCertificates() {
        return bundle;
    }

    TrustBundle bundle() {
        return TrustBundle.of(bundle);
    }
    /** Created by this controller (it may rotate it); otherwise supplied by the user and never written. */
    boolean generated() {
        return generated;
    }

    RotationPhase phase() {
        return phase;
    }

    Optional<Instant> phaseSince() {
        return Optional.ofNullable(phaseSince);
    }

    Optional<Instant> retireAfter() {
        return Optional.ofNullable(retireAfter);
    }

    Optional<HeldCertificate> next() {
        return Optional.ofNullable(next);
    }

    Optional<X509Certificate> previous() {
        return Optional.ofNullable(previous);
    }

    boolean rotateRequested() {
        return rotateRequested;
    }

    String signerFingerprint() {
        return signerFingerprint;
    }

    String bundleFingerprint() {
        return bundleFingerprint;
    }

    Instant notAfter() {
        return signer.certificate().getNotAfter().toInstant();
    }
}
