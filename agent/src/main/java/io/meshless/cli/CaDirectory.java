package io.meshless.cli;

import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.CertificateReader;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyType;
import io.meshless.pki.PkiException;
import io.meshless.pki.PrivateKeyReader;
import io.meshless.pki.TrustBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A CA as {@code ca create} writes it: {@code ca.crt} (the CA certificate, then its issuers up to
 * the root) and {@code ca.key} next to it. Also reads CA material made by openssl, e.g. a
 * {@code genrsa -aes256} key (pass its password).
 */
final class CaDirectory {

    static final String CA_CRT = "ca.crt";
    static final String CA_KEY = "ca.key";

    private CaDirectory() {}

    static CertificateAuthority load(Path dir, char[] keyPasswordOrNull, Clock clock)
            throws PkiException, CommandFailedException {
        if (!Files.isDirectory(dir)) {
            throw new CommandFailedException(dir + ": " + (Files.exists(dir) ? "not a directory" : "no such directory")
                    + "; expected a CA directory with " + CA_CRT + " and " + CA_KEY + " (see 'meshless ca create')");
        }
        Path certFile = dir.resolve(CA_CRT);
        Path keyFile = dir.resolve(CA_KEY);
        List<X509Certificate> chain = CertificateReader.read(certFile);
        PrivateKey key = PrivateKeyReader.read(keyFile, keyPasswordOrNull);
        X509Certificate ca = chain.get(0);
        if (ca.getBasicConstraints() < 0) {
            throw new PkiException(
                    certFile.toString(),
                    "certificate #1 (" + ca.getSubjectX500Principal().getName()
                            + ") is not a CA certificate (basicConstraints CA:FALSE), so it cannot issue certificates");
        }
        if (!keyMatches(key, ca)) {
            throw new PkiException(
                    keyFile.toString(),
                    "this key does not belong to the CA certificate in " + certFile + " ("
                            + ca.getSubjectX500Principal().getName() + ")");
        }
        return new CertificateAuthority(new HeldCertificate(key, chain), clock);
    }

    /** What peers trust: the last certificate of the CA's chain (the root, for a chain up to the root). */
    static TrustBundle trustBundle(CertificateAuthority ca) {
        List<X509Certificate> chain = ca.held().chain();
        return TrustBundle.of(Collections.singletonList(chain.get(chain.size() - 1)));
    }

    /**
     * True when {@code key} is the private half of the certificate's public key: a signature over
     * random bytes verifies. Works for every algorithm without deriving public keys by hand. Keys of
     * a type Meshless does not issue count as matching (the TLS handshake will tell).
     */
    static boolean keyMatches(PrivateKey key, X509Certificate certificate) {
        Optional<KeyType> type = KeyType.of(certificate.getPublicKey());
        if (!type.isPresent()) {
            return true;
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(type.get().signatureAlgorithm());
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(type.get().signatureAlgorithm());
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            // e.g. an RSA key against an EC certificate: initSign refuses, so they do not match.
            return false;
        }
    }
}
