package io.meshless.examples.ingress;

import io.meshless.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real nginx running the configuration ingress-nginx renders for one {@link Ingress}
 * ({@link IngressNginxConfig}), with the referenced Secrets written to files the way the ingress
 * controller writes them ({@link IngressSslDirectory}). One per scenario: nginx keeps upstream TLS
 * sessions per process, so a fresh one never resumes a session another scenario negotiated.
 *
 * <p>nginx cannot bind port 0 and report the port, so it gets a port that was free a moment ago
 * and starts again on another when that one was taken in between.
 */
final class IngressNginx implements AutoCloseable {

    private static final int BIND_ATTEMPTS = 5;
    private static final String ADDRESS_IN_USE = "Address already in use";

    private final Process process;
    private final Path prefix;
    private final int port;

    private IngressNginx(Process process, Path prefix, int port) {
        this.process = process;
        this.prefix = prefix;
        this.port = port;
    }

    static IngressNginx start(Path workDir, Ingress ingress, IngressNginxConfig.Secrets secrets) {
        IngressNginxConfig config =
                new IngressNginxConfig(ingress, secrets, new IngressSslDirectory(workDir.resolve("ssl")));
        for (int attempt = 1; ; attempt++) {
            Path prefix = workDir.resolve("nginx-" + attempt);
            int port = recentlyFreePort();
            write(prefix.resolve("nginx.conf"), config.render(prefix, port));
            IngressNginx nginx = new IngressNginx(launch(prefix), prefix, port);
            if (nginx.awaitListening()) {
                return nginx;
            }
            String log = nginx.errorLog();
            nginx.close();
            if (!log.contains(ADDRESS_IN_USE) || attempt == BIND_ATTEMPTS) {
                throw new AssertionError("nginx did not start (attempt " + attempt + "):\n" + log);
            }
        }
    }

    /** The port the ingress listens on (127.0.0.1). */
    int port() {
        return port;
    }

    /** nginx's error log: upstream TLS failures are reported here. */
    String errorLog() {
        Path log = prefix.resolve("error.log");
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rendered configuration, for failure messages. */
    String config() {
        try {
            return Files.readString(prefix.resolve("nginx.conf"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * True once nginx listens; false when it exited. nginx writes its pid file only after it bound
     * and listens on every port; a connection test would also succeed on a port another process
     * holds while nginx is still retrying the bind.
     */
    private boolean awaitListening() {
        Path pid = prefix.resolve("nginx.pid");
        Await.atMost(Duration.ofSeconds(30))
                .every(Duration.ofMillis(50))
                .describedBy(this::errorLog)
                .until("nginx to listen on port " + port + " or exit", () -> !process.isAlive() || Files.exists(pid));
        return process.isAlive();
    }

    private static Process launch(Path prefix) {
        try {
            return new ProcessBuilder(List.of(
                            "nginx",
                            "-p",
                            prefix.toString(),
                            "-c",
                            prefix.resolve("nginx.conf").toString(),
                            "-e",
                            prefix.resolve("error.log").toString(),
                            "-g",
                            "daemon off; master_process off;"))
                    .redirectErrorStream(true)
                    .redirectOutput(prefix.resolve("nginx.out").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run nginx (installed by .ci/run)", e);
        }
    }

    private static int recentlyFreePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        ChildProcesses.stop(process);
    }
}
