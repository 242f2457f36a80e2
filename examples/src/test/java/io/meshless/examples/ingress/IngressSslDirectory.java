package io.meshless.examples.ingress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * ingress-nginx's {@code /etc/ingress-controller/ssl}: how the controller renders a referenced
 * Secret to files (internal/ingress/controller/store/backend_ssl.go, internal/net/ssl/ssl.go).
 * A Secret with a key pair becomes one {@code <ns>-<name>.pem} holding {@code tls.crt}, a newline,
 * {@code tls.key} and, when present, a newline and {@code ca.crt}: that one file is then the
 * certificate, the key and the trusted CAs. A Secret with only {@code ca.crt} becomes
 * {@code ca-<ns>-<name>.pem}.
 */
final class IngressSslDirectory {

    private static final byte[] NEWLINE = {'\n'};

    private final Path dir;

    IngressSslDirectory(Path dir) {
        this.dir = dir;
    }

    /** The file for a Secret with {@code tls.crt} and {@code tls.key}, and {@code ca.crt} appended when it has one. */
    Path keyPair(String namespace, String name, Map<String, byte[]> data) {
        ByteArrayOutputStream pem = new ByteArrayOutputStream();
        pem.writeBytes(required(data, "tls.crt", namespace, name));
        pem.writeBytes(NEWLINE);
        pem.writeBytes(required(data, "tls.key", namespace, name));
        if (data.containsKey("ca.crt")) {
            pem.writeBytes(NEWLINE);
            pem.writeBytes(required(data, "ca.crt", namespace, name));
        }
        return write(namespace + "-" + name + ".pem", pem.toByteArray());
    }

    /** The file for a Secret used as a CA only ({@code auth-tls-secret} with just {@code ca.crt}). */
    Path caOnly(String namespace, String name, Map<String, byte[]> data) {
        return write("ca-" + namespace + "-" + name + ".pem", required(data, "ca.crt", namespace, name));
    }

    private static byte[] required(Map<String, byte[]> data, String key, String namespace, String name) {
        byte[] value = data == null ? null : data.get(key);
        if (value == null || value.length == 0) {
            throw new IllegalArgumentException("Secret " + namespace + "/" + name + " has no " + key);
        }
        return value;
    }

    private Path write(String fileName, byte[] content) {
        Path file = dir.resolve(fileName);
        try {
            Files.createDirectories(dir);
            Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }
}
