package io.meshless.testing;

import io.meshless.pki.HeldCertificate;
import io.meshless.pki.TrustBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A certificate chain file and its key file, as plain PEM for peers outside the JVM (nginx, openssl,
 * curl): {@code <name>.crt} (the chain, leaf first) and {@code <name>.key}.
 */
public final class PemFiles {

    private final Path cert;
    private final Path key;

    private PemFiles(Path cert, Path key) {
        this.cert = cert;
        this.key = key;
    }

    /** Writes {@code dir/<name>.crt} and {@code dir/<name>.key}, creating {@code dir} when needed. */
    public static PemFiles write(Path dir, String name, HeldCertificate identity) {
        Objects.requireNonNull(identity, "identity");
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        write(cert, identity.chainPem());
        write(key, identity.privateKeyPem());
        return new PemFiles(cert, key);
    }

    /** Writes {@code bundle} to {@code dir/<name>.crt}, creating {@code dir} when needed. */
    public static Path writeBundle(Path dir, String name, TrustBundle bundle) {
        Path file = dir.resolve(name + ".crt");
        write(file, bundle.toPem());
        return file;
    }

    public Path cert() {
        return cert;
    }

    public Path key() {
        return key;
    }

    private static void write(Path file, String pem) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, pem.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
