package io.meshless.pki;

import io.meshless.pki.internal.Crypto;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * Checks that a credential set can be used for mutual TLS, and says precisely why not. The checks,
 * in order: the private key matches the leaf; the leaf is not a CA certificate; each certificate
 * of the chain is issued (signature verified) by the next one; every certificate, and the anchor,
 * is within its validity window at the clock's now; the leaf's key usage allows digital signatures
 * and its extended key usage, if present, includes serverAuth and clientAuth; every issuer is a
 * CA; the top of the chain is, or is signed by, a certificate of the bundle; the number of
 * intermediate CAs does not exceed {@code maxDepth} (OpenSSL's {@code -verify_depth} meaning: the
 * leaf and the trust anchor do not count); every CA's {@code pathLenConstraint} holds, the anchor's
 * included; and the JDK's PKIX validator accepts the chain under the anchor (key usage, name
 * constraints, critical extensions). Revocation is not checked.
 */
public final class CredentialCheck {
    /** The verify depth used when loading a certificate directory. */
    public static final int DEFAULT_MAX_DEPTH = 4;

    private CredentialCheck() {}

    public static void verify(HeldCertificate identity, TrustBundle bundle, Clock clock, int maxDepth)
            throws PkiException {
        check(identity, bundle, clock, maxDepth, true);
    }

    /**
     * The checks of {@link #verify} for a workload's own set, where {@code ca.crt} and
     * {@code client-ca.crt} say whom the workload trusts, not who issued it: a chain whose top is not
     * issued by any CA of {@code bundle} is checked up to its top, and accepted.
     *
     * @return the bundle CA the chain ends in, or empty when the bundle holds none of its issuers
     */
    public static Optional<X509Certificate> verifyOwn(
            HeldCertificate identity, TrustBundle bundle, Clock clock, int maxDepth) throws PkiException {
        return Optional.ofNullable(check(identity, bundle, clock, maxDepth, false));
    }

    private static X509Certificate check(
            HeldCertificate identity, TrustBundle bundle, Clock clock, int maxDepth, boolean requireAnchor)
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
        boolean issuerNamed = false;
        int intermediates;
        if (bundle.contains(top)) {
            anchor = top;
            intermediates = Math.max(0, chain.size() - 2);
        } else {
            for (X509Certificate ca : bundle.certificates()) {
                if (top.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
                    issuerNamed = true;
                    if (signedBy(top, ca)) {
                        anchor = ca;
                        break;
                    }
                }
            }
            intermediates = chain.size() - 1;
        }
        boolean selfSigned = top.getIssuerX500Principal().equals(top.getSubjectX500Principal()) && signedBy(top, top);
        if (anchor == null && (requireAnchor || issuerNamed)) {
            StringBuilder held = new StringBuilder();
            for (X509Certificate ca : bundle.certificates()) {
                held.append(held.length() == 0 ? "" : "; ")
                        .append(ca.getSubjectX500Principal().getName());
            }
            throw new PkiException(
                    name(chain, chain.size() - 1),
                    "is not signed by any CA in the trust bundle (issuer "
                            + top.getIssuerX500Principal().getName() + "; the bundle holds " + held + ")"
                            + (issuerNamed ? ": a CA of that name is there, but its key did not sign it" : ""));
        }
        if (anchor == null && selfSigned) {
            // A self-signed top not in the bundle is its own anchor: its constraints count as a root's.
            intermediates = Math.max(0, chain.size() - 2);
        }
        if (anchor != null && anchor != top) {
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
        checkPathLengths(chain, anchor != null && anchor != top ? anchor : null);
        checkAsPkix(chain, anchor != null ? anchor : selfSigned ? top : null, now);
        return anchor;
    }

    /**
     * Every CA's {@code pathLenConstraint}, the trust anchor's included: the JDK ignores constraints on
     * anchors, but OpenSSL (nginx, curl, Go's verifier too) enforces them, and refuses the whole chain.
     */
    private static void checkPathLengths(List<X509Certificate> chain, X509Certificate anchorAbove) throws PkiException {
        List<X509Certificate> path = new ArrayList<>(chain);
        if (anchorAbove != null) {
            path.add(anchorAbove);
        }
        for (int k = 1; k < path.size(); k++) {
            int pathLen = path.get(k).getBasicConstraints();
            int casBelow = k - 1;
            if (pathLen >= 0 && pathLen != Integer.MAX_VALUE && casBelow > pathLen) {
                String who = k < chain.size()
                        ? name(chain, k)
                        : "trust bundle CA "
                                + anchorAbove.getSubjectX500Principal().getName();
                throw new PkiException(
                        who,
                        "has pathLenConstraint " + pathLen + " but " + casBelow + " CA certificate(s) come between"
                                + " it and the leaf; PKIX verifiers (OpenSSL: nginx, curl, Go) refuse this chain");
            }
        }
    }

    /**
     * The JDK's PKIX validation of the chain below {@code anchor} (no revocation): key usage of the CAs,
     * name constraints, critical extensions, what the checks above do not cover. Skipped without an
     * anchor (the own chain ends in a CA we do not hold).
     */
    private static void checkAsPkix(List<X509Certificate> chain, X509Certificate anchor, Instant now)
            throws PkiException {
        if (anchor == null) {
            return;
        }
        List<X509Certificate> below = new ArrayList<>(chain);
        if (below.get(below.size() - 1).equals(anchor)) {
            below.remove(below.size() - 1);
        }
        if (below.isEmpty()) {
            return;
        }
        try {
            PKIXParameters parameters = new PKIXParameters(Collections.singleton(new TrustAnchor(anchor, null)));
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(below);
            CertPathValidator.getInstance("PKIX").validate(path, parameters);
        } catch (CertPathValidatorException e) {
            if (e.getReason() == CertPathValidatorException.BasicReason.UNSPECIFIED
                    || e.getReason() == CertPathValidatorException.BasicReason.ALGORITHM_CONSTRAINED) {
                return; // a provider's gap (an algorithm it lacks), not a defect of the chain
            }
            int index = e.getIndex();
            String who = index >= 0 && index < below.size() ? name(chain, index) : name(chain, 0);
            throw new PkiException(who, "fails PKIX validation: " + e.getMessage() + " (" + e.getReason() + ")", e);
        } catch (GeneralSecurityException e) {
            // No PKIX validator in this JVM: the checks above stand.
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
