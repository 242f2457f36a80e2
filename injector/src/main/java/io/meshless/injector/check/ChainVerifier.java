package io.meshless.injector.check;

import io.meshless.pki.PkiException;
import io.meshless.pki.SpiffeId;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * PKIX validation of a chain (first certificate the one to verify) against CA certificates, at
 * a given instant, the way the API server verifies a webhook's certificate against its caBundle.
 * Revocation is not checked: Kubernetes does not check it either.
 */
final class ChainVerifier {

    private ChainVerifier() {}

    /** Throws naming the certificate and the reason when {@code chain} does not verify. */
    static void verify(List<X509Certificate> chain, List<X509Certificate> anchors, Instant at, String what)
            throws PkiException {
        for (X509Certificate c : chain) {
            requireValid(c, at, what);
        }
        List<X509Certificate> path = new ArrayList<>(chain);
        // A CA that is itself in the bundle is its own anchor: PKIX wants it out of the path.
        while (!path.isEmpty() && anchors.contains(path.get(path.size() - 1))) {
            path.remove(path.size() - 1);
        }
        if (path.isEmpty()) {
            return;
        }
        Set<TrustAnchor> trust = new LinkedHashSet<>();
        for (X509Certificate a : anchors) {
            trust.add(new TrustAnchor(a, null));
        }
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters params = new PKIXParameters(trust);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(at));
            CertPathValidator.getInstance("PKIX").validate(certPath, params);
        } catch (GeneralSecurityException e) {
            X509Certificate top = path.get(path.size() - 1);
            throw new PkiException(
                    what,
                    "does not verify against the CA certificates [" + subjects(anchors) + "] ("
                            + e.getMessage() + "; the chain ends at "
                            + top.getSubjectX500Principal().getName() + ", issued by "
                            + top.getIssuerX500Principal().getName() + ")");
        }
    }

    static void requireValid(X509Certificate c, Instant at, String what) throws PkiException {
        Instant from = c.getNotBefore().toInstant();
        Instant to = c.getNotAfter().toInstant();
        String name = describe(c);
        if (at.isAfter(to)) {
            throw new PkiException(what, name + " expired " + TimeText.relative(at, to) + " (" + to + ")");
        }
        if (at.isBefore(from)) {
            throw new PkiException(what, name + " is not valid until " + from);
        }
    }

    /** The SPIFFE ID of a workload certificate (their subject is empty), else the subject. */
    static String describe(X509Certificate c) {
        String subject = c.getSubjectX500Principal().getName();
        return SpiffeId.fromCertificate(c)
                .map(SpiffeId::toString)
                .orElse(subject.isEmpty() ? "a certificate with an empty subject" : subject);
    }

    static String subjects(List<X509Certificate> certificates) {
        return certificates.stream()
                .map(c -> c.getSubjectX500Principal().getName())
                .collect(Collectors.joining("; "));
    }
}
