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
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A real nginx running the configuration ingress-nginx renders for one {@link Ingress}
 * ({@link IngressNginxConfig}), with the referenced Secrets written to files the way the ingress
 * controller writes them ({@link IngressSslDirectory}). One per scenario: nginx keeps upstream TLS
 * sessions in its workers, so a fresh one never resumes a session another scenario negotiated. It runs
 * with a master process, as in the ingress-nginx image, because only a master reloads: a
 * single-process nginx stops accepting connections after {@code nginx -s reload}.
 *
 * <p>nginx cannot bind port 0 and report the port, so it gets a port that was free a moment ago
 * and starts again on another when that one was taken in between.
 */
final class IngressNginx implements AutoCloseable {

    private static final int BIND_ATTEMPTS = 5;
    private static final String ADDRESS_IN_USE = "Address already in use";
    private static final Pattern WORKER_STARTED = Pattern.compile("start worker process (\\d+)");
    private static final Pattern WORKER_EXITED = Pattern.compile("worker process (\\d+) exited");
    private static final Duration RELOAD_BOUND = Duration.ofSeconds(30);

    private final Process process;
    private final IngressNginxConfig config;
    private final Path prefix;
    private final int port;

    private IngressNginx(Process process, IngressNginxConfig config, Path prefix, int port) {
        this.process = process;
        this.config = config;
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
            IngressNginx nginx = new IngressNginx(launch(prefix), config, prefix, port);
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

    /**
     * What ingress-nginx does when a Secret its Ingresses reference changes: it writes the Secret's
     * files again (same names, new content), renders the configuration, and reloads nginx because
     * the certificates' checksums in its model changed. Returns once every worker of the previous
     * generation has exited, so the next connection is served with the new files.
     */
    void secretsChanged() {
        write(prefix.resolve("nginx.conf"), config.render(prefix, port));
        Set<String> previousWorkers = runningWorkers();
        if (previousWorkers.isEmpty()) {
            throw new AssertionError("no running nginx worker in " + prefix.resolve("error.log") + ":\n" + errorLog());
        }
        signal("reload");
        Await.atMost(RELOAD_BOUND)
                .every(Duration.ofMillis(50))
                .whileAlive(process, this::errorLog)
                .until(
                        "nginx workers " + previousWorkers + " to exit after the reload",
                        () -> Collections.disjoint(runningWorkers(), previousWorkers));
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

    /** Worker pids the master started and has not yet reaped, from its error log. */
    private Set<String> runningWorkers() {
        String log = errorLog();
        Set<String> running = new HashSet<>();
        WORKER_STARTED.matcher(log).results().forEach(started -> running.add(started.group(1)));
        WORKER_EXITED.matcher(log).results().forEach(exited -> running.remove(exited.group(1)));
        return running;
    }

    /** {@code nginx -s <signal>} for this instance, as an operator or ingress-nginx runs it. */
    private void signal(String signal) {
        List<String> command = new ArrayList<>(nginx(prefix));
        command.addAll(List.of("-s", signal));
        try {
            Process signaller = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(prefix.resolve("nginx-signal.out").toFile())
                    .start();
            if (!signaller.waitFor(30, TimeUnit.SECONDS)) {
                signaller.destroyForcibly();
                throw new AssertionError("nginx -s " + signal + " did not finish: " + command);
            }
            if (signaller.exitValue() != 0) {
                throw new AssertionError("nginx -s " + signal + " exited with " + signaller.exitValue() + ": "
                        + Files.readString(prefix.resolve("nginx-signal.out")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run nginx (installed by .ci/run)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running nginx -s " + signal, e);
        }
    }

    private static Process launch(Path prefix) {
        List<String> command = new ArrayList<>(nginx(prefix));
        command.addAll(List.of("-g", "daemon off;"));
        try {
            return new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(prefix.resolve("nginx.out").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run nginx (installed by .ci/run)", e);
        }
    }

    /** nginx with this instance's prefix, configuration and error log: the same for starting and signalling. */
    private static List<String> nginx(Path prefix) {
        return List.of(
                "nginx",
                "-p",
                prefix.toString(),
                "-c",
                prefix.resolve("nginx.conf").toString(),
                "-e",
                prefix.resolve("error.log").toString());
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
