package io.meshless.injector.http;

import io.meshless.pki.CertificateReader;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.PkiException;
import io.meshless.pki.PrivateKeyReader;
import io.meshless.pki.TrustBundle;
import io.meshless.pki.WorkloadCredentials;
import io.meshless.pki.reload.CredentialSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's serving certificate from {@code --tls-cert-file} and {@code --tls-key-file}
 * (e.g. a cert-manager Secret mounted into the pod). {@link #refresh()} re-reads both when their
 * content changed and swaps the snapshot only when the pair is valid, so a half-written rotation
 * keeps the previous certificate in service. Unlike a workload certificate, a serving certificate
 * needs no clientAuth usage and no trust bundle, which is why this is not {@code CertDirectory}.
 */
public final class ServingCertificateFiles implements CredentialSource {
    private static final Logger LOG = LoggerFactory.getLogger(ServingCertificateFiles.class);

    private final Path certFile;
    private final Path keyFile;
    private final Clock clock;
    private volatile WorkloadCredentials current;
    private volatile PkiException lastProblem;
    private byte[] lastDigest = new byte[0];

    public ServingCertificateFiles(Path certFile, Path keyFile, Clock clock) {
        this.certFile = Objects.requireNonNull(certFile, "certFile");
        this.keyFile = Objects.requireNonNull(keyFile, "keyFile");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<WorkloadCredentials> current() {
        return Optional.ofNullable(current);
    }

    public Optional<PkiException> lastProblem() {
        return Optional.ofNullable(lastProblem);
    }

    /**
     * Loads the pair if either file changed since the last call.
     *
     * @return true when a new certificate was taken into service
     * @throws PkiException the files changed and the new pair is not usable (the old one stays)
     */
    public synchronized boolean refresh() throws PkiException {
        byte[] certBytes = read(certFile);
        byte[] keyBytes = read(keyFile);
        byte[] digest = digest(certBytes, keyBytes);
        if (Arrays.equals(digest, lastDigest)) {
            return false;
        }
        try {
            WorkloadCredentials loaded = parse(certBytes, keyBytes);
            current = loaded;
            lastProblem = null;
            lastDigest = digest;
            LOG.info("serving certificate loaded: serial {}, valid until {}", loaded.serialHex(), loaded.notAfter());
            return true;
        } catch (PkiException e) {
            lastProblem = e;
            lastDigest = digest; // do not log the same broken pair on every poll
            throw e;
        }
    }

    private WorkloadCredentials parse(byte[] certBytes, byte[] keyBytes) throws PkiException {
        List<X509Certificate> chain = CertificateReader.parse(certBytes, certFile.toString());
        if (chain.isEmpty()) {
            throw new PkiException(certFile.toString(), "holds no certificate");
        }
        PrivateKey key = PrivateKeyReader.parse(keyBytes, null, keyFile.toString());
        X509Certificate leaf = chain.get(0);
        Instant now = clock.instant();
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            throw new PkiException(
                    certFile.toString(),
                    "certificate expired at " + leaf.getNotAfter().toInstant());
        }
        if (now.isBefore(leaf.getNotBefore().toInstant())) {
            throw new PkiException(
                    certFile.toString(),
                    "certificate is not valid before " + leaf.getNotBefore().toInstant());
        }
        if (!keyMatches(key, leaf.getPublicKey())) {
            throw new PkiException(keyFile.toString(), "private key does not belong to the certificate in " + certFile);
        }
        // The trust bundle is unused on the server side (no client certificates are requested).
        return new WorkloadCredentials(
                new HeldCertificate(key, chain), TrustBundle.of(chain.get(chain.size() - 1)), null);
    }

    /** Signs a probe with the key and verifies it with the certificate's public key. */
    private static boolean keyMatches(PrivateKey key, PublicKey certificateKey) throws PkiException {
        String algorithm;
        switch (key.getAlgorithm()) {
            case "EC":
                algorithm = "SHA256withECDSA";
                break;
            case "RSA":
                algorithm = "SHA256withRSA";
                break;
            case "Ed25519":
            case "EdDSA":
                algorithm = "Ed25519";
                break;
            default:
                return true; // an unusual key type: the TLS handshake is the judge
        }
        try {
            byte[] probe = "meshless serving key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificateKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] read(Path file) throws PkiException {
        try {
            return Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new PkiException(file.toString(), "file does not exist");
        } catch (IOException e) {
            throw new PkiException(file.toString(), "cannot be read: " + e.getMessage(), e);
        }
    }

    private static byte[] digest(byte[] a, byte[] b) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(a);
            sha.update(new byte[] {0});
            sha.update(b);
            return sha.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
