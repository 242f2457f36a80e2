package io.meshless.injector.controller;

import io.meshless.pki.CertDirectory;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.PkiException;
import io.meshless.pki.TrustBundle;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes the webhook's serving certificate the way kubelet updates a Secret volume: the set goes
 * into a fresh {@code ..<n>} directory, then one atomic rename swaps the {@code ..data} symlink;
 * {@code tls.crt}, {@code tls.key}, {@code ca.crt} are symlinks through {@code ..data}. A reader
 * (pki's WatchedCertDirectory) therefore never sees a new certificate next to an old key.
 */
final class ServingCertificateDirectory {

    private static final String DATA = "..data";
    private static final String[] FILES = {CertDirectory.TLS_CRT, CertDirectory.TLS_KEY, CertDirectory.CA_CRT};

    private final Path dir;

    ServingCertificateDirectory(Path dir) {
        this.dir = dir;
    }

    void write(HeldCertificate identity, TrustBundle bundle) throws PkiException {
        try {
            Files.createDirectories(dir);
            Path version = Files.createTempDirectory(dir, "..");
            CertDirectory.write(version, identity, bundle);
            Path link = dir.resolve(DATA + "_tmp");
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, version.getFileName());
            Path previous = Files.isSymbolicLink(dir.resolve(DATA)) ? Files.readSymbolicLink(dir.resolve(DATA)) : null;
            Files.move(link, dir.resolve(DATA), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            for (String name : FILES) {
                Path top = dir.resolve(name);
                if (!Files.isSymbolicLink(top)) {
                    // First write, or files from an older plain layout: link them through ..data once.
                    Files.deleteIfExists(top);
                    Files.createSymbolicLink(top, Path.of(DATA, name));
                }
            }
            if (previous != null && !previous.equals(version.getFileName())) {
                deleteTree(dir.resolve(previous));
            }
        } catch (IOException e) {
            throw new PkiException(dir.toString(), "cannot write the serving certificate: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.isDirectory(root) || Files.isSymbolicLink(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** For tests: the number of versioned directories left behind (should stay 1). */
    int versions() throws IOException {
        int n = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "..?*")) {
            for (Path p : entries) {
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    n++;
                }
            }
        }
        return n;
    }
}
