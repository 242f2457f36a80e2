package io.meshless.pki;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One consistent, validated set of workload credentials: the identity presented to peers, the
 * bundle peers are verified against, and optionally a separate bundle for inbound clients.
 * Immutable, so TLS code can read it per handshake without locking.
 */
public final class WorkloadCredentials {
    private final HeldCertificate identity;
    private final TrustBundle trustBundle;
    private final TrustBundle clientTrustBundle;

    public WorkloadCredentials(HeldCertificate identity, TrustBundle trustBundle, TrustBundle clientTrustBundleOrNull) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.trustBundle = Objects.requireNonNull(trustBundle, "trustBundle");
        this.clientTrustBundle = clientTrustBundleOrNull;
    }

    public HeldCertificate identity() {
        return identity;
    }

    /** Verifies peers (servers we call, and clients unless {@link #clientTrustBundle()} is present). */
    public TrustBundle trustBundle() {
        return trustBundle;
    }

    /** From {@code client-ca.crt}: verifies inbound clients instead of {@link #trustBundle()}. */
    public Optional<TrustBundle> clientTrustBundle() {
        return Optional.ofNullable(clientTrustBundle);
    }

    /** The bundle inbound clients are verified against. */
    public TrustBundle inboundTrustBundle() {
        return clientTrustBundle != null ? clientTrustBundle : trustBundle;
    }

    public Optional<SpiffeId> spiffeId() {
        return identity.spiffeId();
    }

    public Instant notAfter() {
        return identity.certificate().getNotAfter().toInstant();
    }

    public String serialHex() {
        return identity.certificate().getSerialNumber().toString(16);
    }

    @Override
    public String toString() {
        return "WorkloadCredentials{" + identity + ", trust "
                + trustBundle.certificates().size() + " CA(s)"
                + (clientTrustBundle != null
                        ? ", client trust " + clientTrustBundle.certificates().size() + " CA(s)"
                        : "")
                + "}";
    }
}
