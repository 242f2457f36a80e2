package io.meshless.pki;

import java.security.KeyStore;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The CA certificates peers are verified against; during a CA rotation it holds old and new.
 * Immutable, duplicates removed, order kept.
 */
public final class TrustBundle {
    private final List<X509Certificate> certificates;

    private TrustBundle(List<X509Certificate> certificates) {
        this.certificates = certificates;
    }

    public static TrustBundle of(List<X509Certificate> certificates) {
        Objects.requireNonNull(certificates, "certificates");
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("a trust bundle needs at least one CA certificate");
        }
        Set<X509Certificate> unique = new LinkedHashSet<>();
        for (X509Certificate c : certificates) {
            unique.add(Objects.requireNonNull(c, "certificate"));
        }
        return new TrustBundle(Collections.unmodifiableList(new ArrayList<>(unique)));
    }

    public static TrustBundle of(X509Certificate... certificates) {
        return of(java.util.Arrays.asList(certificates));
    }

    public List<X509Certificate> certificates() {
        return certificates;
    }

    public String toPem() {
        return Pem.encode(certificates);
    }

    /** This bundle's certificates followed by those of {@code other} it lacks. */
    public TrustBundle merge(TrustBundle other) {
        List<X509Certificate> all = new ArrayList<>(certificates);
        all.addAll(other.certificates);
        return of(all);
    }

    public boolean contains(X509Certificate certificate) {
        return certificates.contains(certificate);
    }

    public Set<TrustAnchor> trustAnchors() {
        Set<TrustAnchor> anchors = new LinkedHashSet<>();
        for (X509Certificate c : certificates) {
            anchors.add(new TrustAnchor(c, null));
        }
        return Collections.unmodifiableSet(anchors);
    }

    /** An in-memory keystore of trusted entries ("ca-0", "ca-1", ...), for TrustManagerFactory. */
    public KeyStore toKeyStore() {
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                ks.setCertificateEntry("ca-" + i, certificates.get(i));
            }
            return ks;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build an in-memory keystore: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustBundle && ((TrustBundle) o).certificates.equals(certificates);
    }

    @Override
    public int hashCode() {
        return certificates.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TrustBundle{");
        for (int i = 0; i < certificates.size(); i++) {
            sb.append(i == 0 ? "" : "; ")
                    .append(certificates.get(i).getSubjectX500Principal().getName());
        }
        return sb.append('}').toString();
    }
}
