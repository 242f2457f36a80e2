package io.meshless.cli;

import io.meshless.pki.HeldCertificate;
import io.meshless.pki.TrustBundle;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The CLI's one door to PKCS#12 / JKS files. pki's KeyStoreReader/KeyStoreWriter are not
 * installed yet (PKI API v1 lacks them); until they are, keystore options fail with a clear reason
 * instead of the CLI growing a second keystore implementation.
 */
final class KeyStoreFiles {

    private KeyStoreFiles() {
    }

    static HeldCertificate readKeyEntry(Path file, char[] password, String alias) throws CommandFailedException {
        throw unavailable(file);
    }

    static List<X509Certificate> readCertificates(Path file, char[] password) throws CommandFailedException {
        throw unavailable(file);
    }

    static void writePkcs12(Path file, HeldCertificate held, TrustBundle bundle, char[] password)
            throws CommandFailedException {
        throw unavailable(file);
    }

    static void writeJks(Path file, HeldCertificate held, TrustBundle bundle, char[] password)
            throws CommandFailedException {
        throw unavailable(file);
    }

    private static CommandFailedException unavailable(Path file) {
        return new CommandFailedException(file + ": keystores are not supported by this build yet");
    }
}
