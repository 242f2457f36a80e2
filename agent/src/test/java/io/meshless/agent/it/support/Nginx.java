package io.meshless.agent.it.support;

import io.meshless.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A real nginx on a loopback port, serving TLS with {@code ssl_verify_client optional}: every
 * request is answered, and the body says what nginx saw of the client certificate, so "no client
 * certificate" is an assertion failure with evidence, not a bare handshake error.
 *
 * <p>Body lines: {@code verify=} ({@code $ssl_client_verify}: SUCCESS, NONE or FAILED:reason),
 * {@code serial=}, {@code subject=}, {@code cert=} (URL-encoded PEM, for the SAN).
 */
public final class Nginx implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(15);
    private static final int PORT_ATTEMPTS = 5;
    /** The errno text of nginx's "bind() to 127.0.0.1:N failed (98: Address already in use)". */
    private static final String PORT_TAKEN = "Address already in use";

    private final CapturedProcess process;
    private final int port;

    private Nginx(CapturedProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * @param certChain server certificate chain (PEM, leaf first)
     * @param key server key (PEM)
     * @param clientCa bundle client certificates are verified against
     */
    public static Nginx start(Path workDir, Path certChain, Path key, Path clientCa) {
        return start(workDir, certChain, key, clientCa, "ssl");
    }

    /**
     * The same server over HTTP/2 (ALPN h2), for gRPC clients: they report the non-gRPC answer as a failed call
     * whose status description carries the body.
     */
    public static Nginx startHttp2(Path workDir, Path certChain, Path key, Path clientCa) {
        return start(workDir, certChain, key, clientCa, "ssl http2");
    }

    private static Nginx start(Path workDir, Path certChain, Path key, Path clientCa, String listenOptions) {
        List<Integer> taken = new ArrayList<>();
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            int port = candidatePort();
            Nginx nginx = startOn(port, workDir, certChain, key, clientCa, listenOptions);
            if (nginx != null) {
                return nginx;
            }
            taken.add(port);
        }
        throw new AssertionError("nginx found every port it tried taken: " + taken);
    }

    /**
     * nginx cannot listen on port 0 and report the port, so it gets a port chosen at random below the
     * kernel's ephemeral range (where servers on port 0 and outgoing connections get theirs), and another
     * when that one is taken.
     */
    private static int candidatePort() {
        return ThreadLocalRandom.current().nextInt(20_000, 32_768);
    }

    /** The running nginx, or null when its port is taken. */
    static Nginx startOn(int port, Path workDir, Path certChain, Path key, Path clientCa, String listenOptions) {
        Path dir = workDir.resolve("nginx-" + System.nanoTime());
        try {
            Files.createDirectories(dir.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String t = dir.resolve("tmp").toString();
        Path pidFile = dir.resolve("nginx.pid");
        CapturedProcess.write(
                dir.resolve("nginx.conf"),
                String.join(
                        "\n",
                        "pid " + pidFile + ";",
                        "worker_processes 1;",
                        "events { worker_connections 64; }",
                        "http {",
                        "  access_log off;",
                        "  client_body_temp_path " + t + "/body;",
                        "  proxy_temp_path " + t + "/proxy;",
                        "  fastcgi_temp_path " + t + "/fastcgi;",
                        "  uwsgi_temp_path " + t + "/uwsgi;",
                        "  scgi_temp_path " + t + "/scgi;",
                        "  server {",
                        "    listen 127.0.0.1:" + port + " " + listenOptions + ";",
                        "    ssl_certificate " + certChain.toAbsolutePath() + ";",
                        "    ssl_certificate_key " + key.toAbsolutePath() + ";",
                        "    ssl_client_certificate " + clientCa.toAbsolutePath() + ";",
                        "    ssl_verify_client optional;",
                        "    ssl_verify_depth 4;",
                        "    ssl_protocols TLSv1.2 TLSv1.3;",
                        // one request per connection, so every request shows the certificate of a fresh handshake
                        "    keepalive_timeout 0;",
                        "    default_type text/plain;",
                        "    location / {",
                        "      add_header X-Client-Verify $ssl_client_verify always;",
                        "      return 200 \"verify=$ssl_client_verify\\nserial=$ssl_client_serial\\nsubject=$ssl_client_s_dn\\n"
                                + "cert=$ssl_client_escaped_cert\\n\";",
                        "    }",
                        "  }",
                        "}",
                        ""));
        CapturedProcess process = CapturedProcess.start(
                "nginx:" + port,
                List.of(
                        "nginx",
                        "-e",
                        "stderr",
                        "-p",
                        dir.toString(),
                        "-c",
                        dir.resolve("nginx.conf").toString(),
                        "-g",
                        "daemon off; master_process off; error_log stderr notice;"),
                dir);
        // nginx writes its pid file once its listening socket is bound, and logs a bind() failure and exits
        // (after a few retries of its own) when the port is taken.
        boolean bound;
        try {
            bound = Await.atMost(STARTUP)
                    .whileAlive(process.process(), process::output)
                    .untilPresent(
                            "nginx bound to 127.0.0.1:" + port + " (its pid file) or reporting the port taken", () -> {
                                if (process.stderr().contains(PORT_TAKEN)) {
                                    return false;
                                }
                                return Files.exists(pidFile) ? true : null;
                            });
        } catch (AssertionError e) {
            process.close();
            throw e;
        }
        if (!bound) {
            process.close();
            return null;
        }
        return new Nginx(process, port);
    }

    public int port() {
        return port;
    }

    public String url() {
        return "https://127.0.0.1:" + port + "/";
    }

    /** A URL with the given host name (for secure-naming tests: localhost instead of the IP). */
    public String url(String host) {
        return "https://" + host + ":" + port + "/";
    }

    public String output() {
        return process.output();
    }

    @Override
    public void close() {
        process.close();
    }
}
