package io.meshless.agent.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Certificates made the way the usual mTLS guides make them, with the real openssl: a root CA from
 * {@code openssl req -x509 -new -nodes}, keys from {@code openssl genrsa}, certificates signed with
 * {@code openssl x509 -req -CA ca.crt -CAkey ca.key} and no extension file, so they carry only a CN.
 * Every file lands in one work directory as {@code <name>.crt} / {@code <name>.key}.
 */
public final class SeedPki {
    private final Path work;

    public SeedPki(Path work) {
        this.work = work;
        try {
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code openssl genrsa -out NAME.key 2048} and {@code openssl req -x509 -new -nodes ... -subj /CN=...}. */
    public Path rootCa(String name, String commonName) {
        openssl("genrsa", "-out", name + ".key", "2048");
        openssl(
                "req",
                "-x509",
                "-new",
                "-nodes",
                "-key",
                name + ".key",
                "-sha256",
                "-days",
                "365",
                "-out",
                name + ".crt",
                "-subj",
                "/CN=" + commonName);
        return crt(name);
    }

    /**
     * {@code openssl genrsa}, {@code openssl req -new}, {@code openssl x509 -req -CA -CAkey
     * -CAcreateserial}, no extension file. {@code subject} in openssl's {@code /K=V/K=V} form.
     */
    public Path leaf(String name, String subject, String caName) {
        return signed(name, subject, caName);
    }

    /** genrsa, req -new, then x509 -req signed by {@code caName}, with {@code extra} options (an -extfile). */
    private Path signed(String name, String subject, String caName, String... extra) {
        openssl("genrsa", "-out", name + ".key", "2048");
        openssl("req", "-new", "-key", name + ".key", "-out", name + ".csr", "-subj", subject);
        List<String> sign = new ArrayList<>(Arrays.asList(
                "x509",
                "-req",
                "-in",
                name + ".csr",
                "-CA",
                caName + ".crt",
                "-CAkey",
                caName + ".key",
                "-CAcreateserial",
                "-out",
                name + ".crt",
                "-days",
                "365",
                "-sha256"));
        sign.addAll(Arrays.asList(extra));
        openssl(sign.toArray(new String[0]));
        return crt(name);
    }

    /** An intermediate CA (basicConstraints CA:TRUE with the given pathlen, or none when null). */
    public Path intermediateCa(String name, String commonName, String caName, Integer pathLen) {
        try {
            Files.writeString(
                    work.resolve(name + ".ext"),
                    "basicConstraints=critical,CA:TRUE" + (pathLen == null ? "" : ",pathlen:" + pathLen)
                            + "\nkeyUsage=critical,keyCertSign,cRLSign\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl("genrsa", "-out", name + ".key", "2048");
        openssl("req", "-new", "-key", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + commonName);
        openssl(
                "x509",
                "-req",
                "-in",
                name + ".csr",
                "-CA",
                caName + ".crt",
                "-CAkey",
                caName + ".key",
                "-CAcreateserial",
                "-out",
                name + ".crt",
                "-days",
                "365",
                "-sha256",
                "-extfile",
                name + ".ext");
        return crt(name);
    }

    /** {@code cat} of certificate files into {@code NAME.crt}: a leaf followed by its intermediates. */
    public Path concatenate(String name, String... parts) {
        StringBuilder pem = new StringBuilder();
        try {
            for (String part : parts) {
                pem.append(Files.readString(crt(part)));
            }
            Files.writeString(crt(name), pem);
            Files.copy(key(parts[0]), key(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return crt(name);
    }

    public Path crt(String name) {
        return work.resolve(name + ".crt");
    }

    public Path key(String name) {
        return work.resolve(name + ".key");
    }

    /** A cert dir as a user mounts one: tls.crt, tls.key, ca.crt and optionally client-ca.crt. */
    public Path certDir(String dirName, String leafName, String caCrtName, String clientCaCrtNameOrNull) {
        Path dir = work.resolve(dirName);
        try {
            Files.createDirectories(dir);
            Files.copy(crt(leafName), dir.resolve("tls.crt"));
            Files.copy(key(leafName), dir.resolve("tls.key"));
            Files.copy(crt(caCrtName), dir.resolve("ca.crt"));
            if (clientCaCrtNameOrNull != null) {
                Files.copy(crt(clientCaCrtNameOrNull), dir.resolve("client-ca.crt"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** The serial openssl gave a certificate, lower-case hex without leading zeros (as the agent logs it). */
    public String serial(String name) {
        String out = openssl("x509", "-in", name + ".crt", "-noout", "-serial");
        return new java.math.BigInteger(out.trim().substring("serial=".length()), 16).toString(16);
    }

    public String openssl(String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(Arrays.asList(args));
        try (CapturedProcess p = CapturedProcess.start("openssl", command, work)) {
            int exit = p.awaitExit(Duration.ofSeconds(60));
            if (exit != 0) {
                throw new AssertionError("openssl " + String.join(" ", args) + " exited " + exit + ":\n" + p.output());
            }
            return p.stdout();
        }
    }
}
