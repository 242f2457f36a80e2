package io.meshless.pki;

import io.meshless.pki.internal.Crypto;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that a credential set can be used for mutual TLS, and says precisely why not. The checks,
 * in order: the private key matches the leaf; the leaf is not a CA certificate; each certificate
 * of the chain is issued (signature verified) by the next one; every certificate, and the anchor,
 * is within its validity window at the clock's now; the leaf's key usage allows digital signatures
 * and its extended key usage, if present, includes serverAuth and clientAuth; every issuer is a
 * CA; the top of the chain is, or is signed by, a certificate of the bundle; the number of
 * intermediate CAs does not exceed {@code maxDepth} (OpenSSL's {@code -verify_depth} meaning: the
 * leaf and the trust anchor do not count). Name constraints and revocation are not checked.
 */
public final class CredentialCheck {
    /** The verify depth used when loading a certificate directory. */
    public static final int DEFAULT_MAX_DEPTH = 4;

    private CredentialCheck() {}

    public static void verify(HeldCertificate identity, TrustBundle bundle, Clock clock, int maxDepth)
            throws PkiException {
        List<X509Certificate> chain = identity.chain();
        X509Certificate leaf = chain.get(0);
        Instant now = clock.instant();

        checkKeyMatches(identity.privateKey(), leaf);
        if (leaf.getBasicConstraints() >= 0) {
            throw new PkiException(
                    name(chain, 0),
                    "is a CA certificate (basicConstraints CA:TRUE) and cannot be used "
                            + "as a workload certificate; the leaf must come first and be an end-entity certificate");
        }
        for (int i = 0; i + 1 < chain.size(); i++) {
            X509Certificate child = chain.get(i);
            X509Certificate parent = chain.get(i + 1);
            if (!child.getIssuerX500Principal().equals(parent.getSubjectX500Principal()) || !signedBy(child, parent)) {
                throw new PkiException(
                        name(chain, i + 1),
                        "chain out of order: it did not issue " + name(chain, i)
                                + " (issuer " + child.getIssuerX500Principal().getName()
                                + "); expected the leaf first, then each "
                                + "certificate followed by its issuer");
            }
            if (parent.getBasicConstraints() < 0) {
                throw new PkiException(
                        name(chain, i + 1),
                        "issues " + name(chain, i) + " but is not a CA certificate " + "(basicConstraints CA:FALSE)");
            }
        }
        for (int i = 0; i < chain.size(); i++) {
            checkValidity(chain.get(i), name(chain, i), now);
        }
        checkUsage(leaf, name(chain, 0));

        X509Certificate top = chain.get(chain.size() - 1);
        X509Certificate anchor = null;
        int intermediates;
        if (bundle.contains(top)) {
            anchor = top;
            intermediates = Math.max(0, chain.size() - 2);
        } else {
            for (X509Certificate ca : bundle.certificates()) {
                if (top.getIssuerX500Principal().equals(ca.getSubjectX500Principal()) && signedBy(top, ca)) {
                    anchor = ca;
                    break;
                }
            }
            intermediates = chain.size() - 1;
        }
        if (anchor == null) {
            StringBuilder held = new StringBuilder();
            for (X509Certificate ca : bundle.certificates()) {
                held.append(held.length() == 0 ? "" : "; ")
                        .append(ca.getSubjectX500Principal().getName());
            }
            throw new PkiException(
                    name(chain, chain.size() - 1),
                    "is not signed by any CA in the trust bundle (issuer "
                            + top.getIssuerX500Principal().getName() + "; the bundle holds " + held + ")");
        }
        if (anchor != top) {
            checkValidity(
                    anchor,
                    "trust bundle CA " + anchor.getSubjectX500Principal().getName(),
                    now);
        }
        if (intermediates > maxDepth) {
            throw new PkiException(
                    name(chain, 0),
                    "chain has " + intermediates + " intermediate CA certificates, more " + "than the verify depth "
                            + maxDepth);
        }
    }

    static String name(List<X509Certificate> chain, int index) {
        X509Certificate c = chain.get(index);
        String id = SpiffeId.fromCertificate(c).map(SpiffeId::toString).orElse(null);
        String subject = c.getSubjectX500Principal().getName();
        String label = id != null ? id : subject.isEmpty() ? "empty subject" : subject;
        return "certificate #" + (index + 1) + " (" + label + ")";
    }

    private static void checkValidity(X509Certificate c, String name, Instant now) throws PkiException {
        Instant from = c.getNotBefore().toInstant();
        Instant to = c.getNotAfter().toInstant();
        if (now.isBefore(from)) {
            throw new PkiException(name, "is not yet valid: valid from " + from + " until " + to + ", now is " + now);
        }
        if (now.isAfter(to)) {
            throw new PkiException(name, "expired on " + to + " (valid from " + from + "), now is " + now);
        }
    }

    private static void checkUsage(X509Certificate leaf, String name) throws PkiException {
        boolean[] ku = leaf.getKeyUsage();
        if (ku != null && !ku[0]) {
            throw new PkiException(name, "key usage lacks digitalSignature, which TLS needs");
        }
        List<String> eku;
        try {
            eku = leaf.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            throw new PkiException(name, "damaged extended key usage extension", e);
        }
        if (eku == null || eku.contains("2.5.29.37.0")) {
            return; // RFC 5280: no EKU extension (or anyExtendedKeyUsage) means any purpose
        }
        List<String> missing = new ArrayList<>();
        if (!eku.contains("1.3.6.1.5.5.7.3.1")) {
            missing.add("serverAuth");
        }
        if (!eku.contains("1.3.6.1.5.5.7.3.2")) {
            missing.add("clientAuth");
        }
        if (!missing.isEmpty()) {
            throw new PkiException(
                    name,
                    "extended key usage lacks " + String.join(" and ", missing)
                            + ", which mutual TLS needs in both directions");
        }
    }

    static boolean signedBy(X509Certificate child, X509Certificate parent) {
        try {
            child.verify(parent.getPublicKey());
            return true;
        } catch (java.security.NoSuchAlgorithmException | java.security.NoSuchProviderException e) {
            try {
                child.verify(parent.getPublicKey(), Crypto.bouncyCastle());
                return true;
            } catch (Exception e2) {
                return false;
            }
        } catch (Exception e) {
            return false;
        }
    }

    static void checkKeyMatches(PrivateKey key, X509Certificate leaf) throws PkiException {
        PublicKey pub = leaf.getPublicKey();
        String keyAlg = family(key.getAlgorithm());
        String certAlg = family(pub.getAlgorithm());
        if (!keyAlg.equals(certAlg)) {
            throw new PkiException(
                    "private key",
                    "does not match the certificate: the key is " + keyAlg + " but certificate #1 holds a "
                            + KeyType.describe(pub) + " public key");
        }
        // Sign and verify a challenge: works for every algorithm without deriving public keys by hand.
        String sigAlg = keyAlg.equals("RSA") ? "SHA256withRSA" : keyAlg.equals("EC") ? "SHA256withECDSA" : "Ed25519";
        if (keyAlg.equals("EdDSA")) {
            sigAlg = KeyType.describe(pub).equals("Ed448") ? "Ed448" : "Ed25519";
        }
        byte[] challenge = new byte[32];
        Crypto.random().nextBytes(challenge);
        boolean ok;
        try {
            ok = signAndVerify(sigAlg, key, pub, challenge, false);
        } catch (Exception e) {
            try {
                ok = signAndVerify(sigAlg, key, pub, challenge, true);
            } catch (Exception e2) {
                ok = false;
            }
        }
        if (!ok) {
            throw new PkiException(
                    "private key",
                    "does not match the certificate: certificate #1 holds a different " + KeyType.describe(pub)
                            + " public key (were tls.crt and tls.key taken from different sets?)");
        }
    }

    private static boolean signAndVerify(String alg, PrivateKey key, PublicKey pub, byte[] data, boolean bc)
            throws Exception {
        Signature s = bc ? Signature.getInstance(alg, Crypto.bouncyCastle()) : Signature.getInstance(alg);
        s.initSign(key);
        s.update(data);
        byte[] sig = s.sign();
        Signature v = bc ? Signature.getInstance(alg, Crypto.bouncyCastle()) : Signature.getInstance(alg);
        v.initVerify(pub);
        v.update(data);
        return v.verify(sig);
    }

    private static String family(String alg) {
        if (alg.equals("ECDSA")) {
            return "EC";
        }
        if (alg.equals("Ed25519") || alg.equals("Ed448") || alg.equals("EdDSA")) {
            return "EdDSA";
        }
        if (alg.equals("RSASSA-PSS")) {
            return "RSA";
        }
        return alg;
    }
}
