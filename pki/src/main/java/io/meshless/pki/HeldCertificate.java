package io.meshless.pki;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A certificate with its private key: the leaf first, then the intermediates that chain it to a
 * trust anchor. Immutable. Construction does not check that key and leaf match (see
 * {@link CredentialCheck}); {@link #toString()} never shows the key.
 */
public final class HeldCertificate {
    private final PrivateKey privateKey;
    private final List<X509Certificate> chain;
    private final X509Certificate[] chainArray;

    public HeldCertificate(PrivateKey privateKey, List<X509Certificate> chain) {
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(chain, "chain");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a held certificate needs at least the leaf certificate");
        }
        for (X509Certificate c : chain) {
            Objects.requireNonNull(c, "certificate in chain");
        }
        this.chain = Collections.unmodifiableList(new ArrayList<>(chain));
        this.chainArray = this.chain.toArray(new X509Certificate[0]);
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    /** The leaf certificate. */
    public X509Certificate certificate() {
        return chainArray[0];
    }

    /** Leaf first, then intermediates; unmodifiable. */
    public List<X509Certificate> chain() {
        return chain;
    }

    /** The chain as a fresh array, as key managers hand it to JSSE. */
    public X509Certificate[] chainArray() {
        return chainArray.clone();
    }

    public KeyPair keyPair() {
        return new KeyPair(certificate().getPublicKey(), privateKey);
    }

    public Optional<SpiffeId> spiffeId() {
        return SpiffeId.fromCertificate(certificate());
    }

    /** Leaf and intermediates as PEM, the content of {@code tls.crt}. */
    public String chainPem() {
        return Pem.encode(chain);
    }

    /** The key as unencrypted PKCS#8 PEM, the content of {@code tls.key}. */
    public String privateKeyPem() {
        return Pem.encode(privateKey);
    }

    @Override
    public String toString() {
        X509Certificate leaf = certificate();
        return "HeldCertificate{"
                + spiffeId()
                        .map(SpiffeId::toString)
                        .orElse(leaf.getSubjectX500Principal().getName())
                + ", serial " + leaf.getSerialNumber().toString(16) + ", notAfter "
                + leaf.getNotAfter().toInstant()
                + ", key " + KeyType.describe(leaf.getPublicKey()) + ", chain " + chain.size() + "}";
    }
}
