package io.meshless.pki;

import java.time.Instant;
import java.util.List;
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

    /**
     * Whether {@code ca.crt} or {@code client-ca.crt} holds the CA that issued the top of the own
     * chain (or that certificate itself). When neither does, peers that verify us against the same
     * bundles refuse us: worth a warning, though a set whose peers use other bundles is valid.
     */
    public boolean bundlesHoldOwnIssuer() {
        List<java.security.cert.X509Certificate> chain = identity.chain();
        java.security.cert.X509Certificate top = chain.get(chain.size() - 1);
        TrustBundle all = clientTrustBundle == null ? trustBundle : trustBundle.merge(clientTrustBundle);
        if (all.contains(top)) {
            return true;
        }
        for (java.security.cert.X509Certificate ca : all.certificates()) {
            if (top.getIssuerX500Principal().equals(ca.getSubjectX500Principal())
                    && CredentialCheck.signedBy(top, ca)) {
                return true;
            }
        }
        return false;
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
