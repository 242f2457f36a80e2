package io.meshless.pki;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * Writes an identity and a trust bundle as a keystore, for applications that insist on one: the
 * key entry under alias "meshless" (the key protected by the keystore password) and each CA as a
 * trusted entry "ca-0", "ca-1", ...
 */
public final class KeyStoreWriter {
    public static final String KEY_ALIAS = "meshless";

    private KeyStoreWriter() {}

    public static void writePkcs12(Path file, HeldCertificate identity, TrustBundle bundle, char[] password)
            throws PkiException {
        write(file, "PKCS12", identity, bundle, password);
    }

    public static void writeJks(Path file, HeldCertificate identity, TrustBundle bundle, char[] password)
            throws PkiException {
        write(file, "JKS", identity, bundle, password);
    }

    private static void write(Path file, String type, HeldCertificate identity, TrustBundle bundle, char[] password)
            throws PkiException {
        Objects.requireNonNull(password, "password (may be empty, not null)");
        byte[] bytes;
        try {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(null, null);
            ks.setKeyEntry(
                    KEY_ALIAS, identity.privateKey(), password, identity.chain().toArray(new X509Certificate[0]));
            if (bundle != null) {
                for (int i = 0; i < bundle.certificates().size(); i++) {
                    ks.setCertificateEntry("ca-" + i, bundle.certificates().get(i));
                }
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            ks.store(out, password);
            bytes = out.toByteArray();
        } catch (Exception e) {
            throw new PkiException(file.toString(), "cannot build the " + type + " keystore: " + e.getMessage(), e);
        }
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.deleteIfExists(tmp);
            // The keystore holds the private key: owner-only from the moment it exists, like tls.key.
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(
                        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            try (OutputStream o = Files.newOutputStream(tmp)) {
                o.write(bytes);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new PkiException(file.toString(), "cannot write: " + e, e);
        }
    }
}
