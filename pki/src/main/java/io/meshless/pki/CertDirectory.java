package io.meshless.pki;

import io.meshless.pki.internal.Files2;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of a Kubernetes {@code kubernetes.io/tls} Secret: {@code tls.crt} (leaf, then
 * intermediates), {@code tls.key}, {@code ca.crt} and optionally {@code client-ca.crt}; or, when
 * kubelet writes a Pod Certificate, {@code credentialbundle.pem} (the PKCS#8 key, then the chain)
 * instead of {@code tls.crt} and {@code tls.key}. The layout is chosen from what the directory
 * holds; a directory holding both is refused, since which identity is meant cannot be known.
 *
 * <p>When the directory is a kubelet Secret volume, the {@code ..data} symlink is resolved once and
 * every file is read from that one timestamped directory, so a rotation happening meanwhile cannot
 * produce a mix of old and new files.
 */
public final class CertDirectory {
    public static final String TLS_CRT = "tls.crt";
    public static final String TLS_KEY = "tls.key";
    public static final String CA_CRT = "ca.crt";
    public static final String CLIENT_CA_CRT = "client-ca.crt";
    /** Key and chain in one file, as kubelet writes a Pod Certificate ({@code credentialBundlePath}). */
    public static final String CREDENTIAL_BUNDLE = "credentialbundle.pem";
    /** The symlink kubelet swaps atomically to publish a new set. */
    public static final String KUBELET_DATA = "..data";

    private CertDirectory() {}

    /**
     * Reads and fully validates the set (see {@link CredentialCheck#verifyOwn}); the exception names the
     * file. Only regular files are read (a named pipe or device is refused by its type, unopened).
     */
    public static WorkloadCredentials load(Path dir, Clock clock) throws PkiException {
        Path base = resolve(dir);
        boolean bundleLayout = credentialBundleLayout(base, dir);
        Path crtFile = dir.resolve(bundleLayout ? CREDENTIAL_BUNDLE : TLS_CRT);
        Path keyFile = dir.resolve(bundleLayout ? CREDENTIAL_BUNDLE : TLS_KEY);
        Path caFile = dir.resolve(CA_CRT);
        Path clientCaFile = dir.resolve(CLIENT_CA_CRT);

        HeldCertificate identity;
        if (bundleLayout) {
            byte[] bundle = Files2.read(inBase(base, dir, CREDENTIAL_BUNDLE), crtFile.toString());
            identity = CredentialBundle.parse(bundle, crtFile.toString());
        } else {
            byte[] crt = Files2.read(inBase(base, dir, TLS_CRT), crtFile.toString());
            byte[] key = Files2.read(inBase(base, dir, TLS_KEY), keyFile.toString());
            List<X509Certificate> chain = CertificateReader.parse(crt, crtFile.toString());
            PrivateKey privateKey = PrivateKeyReader.parse(key, null, keyFile.toString());
            identity = new HeldCertificate(privateKey, chain);
        }
        byte[] ca = Files2.read(inBase(base, dir, CA_CRT), caFile.toString());
        Path clientCaPath = inBase(base, dir, CLIENT_CA_CRT);
        byte[] clientCa = exists(clientCaPath) ? Files2.read(clientCaPath, clientCaFile.toString()) : null;

        TrustBundle bundle = TrustBundle.of(CertificateReader.parse(ca, caFile.toString()));
        TrustBundle clientBundle =
                clientCa == null ? null : TrustBundle.of(CertificateReader.parse(clientCa, clientCaFile.toString()));

        // ca.crt and client-ca.crt say whom we trust, not who issued us: the own chain is checked up to
        // whichever of them holds its issuer, or up to its own top when neither does (a public CA's
        // server certificate with an internal client-ca.crt; an internal client with a public ca.crt).
        TrustBundle anchors = clientBundle == null ? bundle : bundle.merge(clientBundle);
        try {
            CredentialCheck.verifyOwn(identity, anchors, clock, CredentialCheck.DEFAULT_MAX_DEPTH);
        } catch (PkiException e) {
            String file;
            if (e.source().equals("private key")) {
                file = keyFile.toString();
            } else if (e.source().startsWith("trust bundle")) {
                file = caFile.toString();
            } else {
                file = crtFile.toString();
            }
            String reason = e.source().equals("private key")
                    ? "private key "
                            + e.reason().replace("certificate #1", "the certificate in " + crtFile.getFileName())
                    : e.getMessage();
            if (e.reason().startsWith("is not signed by any CA")) {
                reason = e.getMessage() + " from "
                        + (clientBundle == null
                                ? caFile.getFileName()
                                : caFile.getFileName() + " and " + clientCaFile.getFileName());
            }
            throw new PkiException(file, reason, e);
        }
        return new WorkloadCredentials(identity, bundle, clientBundle);
    }

    /**
     * Writes {@code tls.crt} (leaf and chain), {@code tls.key} (PKCS#8, owner-only where the file
     * system supports it) and {@code ca.crt}. Each file is replaced atomically; readers of the set as a
     * whole rely on validation (a new certificate with the old key is refused as a mismatch).
     */
    public static void write(Path dir, HeldCertificate identity, TrustBundle bundle) throws PkiException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new PkiException(dir.toString(), "cannot create directory: " + e.getMessage(), e);
        }
        writeAtomically(dir.resolve(TLS_KEY), identity.privateKeyPem(), true);
        writeAtomically(dir.resolve(TLS_CRT), identity.chainPem(), false);
        writeAtomically(dir.resolve(CA_CRT), bundle.toPem(), false);
    }

    private static void writeAtomically(Path file, String content, boolean secret) throws PkiException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            Files.createFile(tmp);
            if (secret) {
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException notPosix) {
                    // Windows: the directory's ACL applies.
                }
            }
            Files.write(tmp, content.getBytes(StandardCharsets.US_ASCII));
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (AccessDeniedException e) {
            throw new PkiException(file.toString(), "permission denied", e);
        } catch (IOException e) {
            throw new PkiException(file.toString(), "cannot write: " + e.getMessage(), e);
        }
    }

    /**
     * True for kubelet's one-file Pod Certificate layout, false for the Secret layout. Both at once
     * is refused: a leftover {@code tls.key} beside a fresh bundle would otherwise decide silently
     * which identity the workload presents.
     */
    private static boolean credentialBundleLayout(Path base, Path dir) throws PkiException {
        boolean bundle = exists(inBase(base, dir, CREDENTIAL_BUNDLE));
        if (!bundle) {
            return false;
        }
        if (exists(inBase(base, dir, TLS_CRT)) || exists(inBase(base, dir, TLS_KEY))) {
            throw new PkiException(
                    dir.toString(),
                    "holds both " + CREDENTIAL_BUNDLE + " and " + TLS_CRT + "/" + TLS_KEY
                            + "; keep one layout (the Pod Certificate bundle or the Secret's files)");
        }
        return true;
    }

    private static boolean exists(Path file) {
        return Files.exists(file) || Files.isSymbolicLink(file);
    }

    /** The directory to read from: the target of {@code ..data} when present, else {@code dir} itself. */
    private static Path resolve(Path dir) throws PkiException {
        if (!Files.exists(dir)) {
            throw new PkiException(dir.toString(), "directory does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new PkiException(dir.toString(), "is not a directory");
        }
        if (!Files.isReadable(dir)) {
            throw new PkiException(dir.toString(), "directory is not readable (permission denied)");
        }
        Path data = dir.resolve(KUBELET_DATA);
        if (Files.isSymbolicLink(data)) {
            try {
                return data.toRealPath();
            } catch (NoSuchFileException e) {
                throw new PkiException(
                        data.toString(), "symbolic link points to a missing directory (rotation in progress?)", e);
            } catch (IOException e) {
                throw new PkiException(data.toString(), "cannot resolve: " + e.getMessage(), e);
            }
        }
        return null;
    }

    /**
     * Where a file of the set is read from. In a kubelet volume the top-level names are symlinks into
     * {@code ..data}; reading through the resolved {@code ..data} target pins one generation.
     */
    private static Path inBase(Path base, Path dir, String name) {
        Path top = dir.resolve(name);
        if (base == null) {
            return top;
        }
        try {
            if (Files.isSymbolicLink(top)) {
                Path target = Files.readSymbolicLink(top);
                if (!target.isAbsolute()
                        && target.getNameCount() == 2
                        && target.getName(0).toString().equals(KUBELET_DATA)) {
                    return base.resolve(target.getName(1));
                }
                return top;
            }
        } catch (IOException e) {
            return top;
        }
        if (!Files.exists(top, LinkOption.NOFOLLOW_LINKS)) {
            return base.resolve(name);
        }
        return top;
    }

    /** Lists the set's files present, for diagnostics. */
    static List<String> present(Path dir) {
        List<String> out = new ArrayList<>();
        for (String n : new String[] {TLS_CRT, TLS_KEY, CREDENTIAL_BUNDLE, CA_CRT, CLIENT_CA_CRT}) {
            if (Files.exists(dir.resolve(n))) {
                out.add(n);
            }
        }
        return out;
    }
}
