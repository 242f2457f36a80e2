package io.meshless.agent.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real nginx on a free loopback port, serving TLS with {@code ssl_verify_client optional}: every
 * request is answered, and the body says what nginx saw of the client certificate, so "no client
 * certificate" is an assertion failure with evidence, not a bare handshake error.
 *
 * <p>Body lines: {@code verify=} ({@code $ssl_client_verify}: SUCCESS, NONE or FAILED:reason),
 * {@code serial=}, {@code subject=}, {@code cert=} (URL-encoded PEM, for the SAN).
 */
public final class Nginx implements AutoCloseable {

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
        Path dir = workDir.resolve("nginx-" + System.nanoTime());
        int port = Ports.free();
        try {
            Files.createDirectories(dir.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String t = dir.resolve("tmp").toString();
        CapturedProcess.write(
                dir.resolve("nginx.conf"),
                String.join(
                        "\n",
                        "pid " + dir.resolve("nginx.pid") + ";",
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
        try {
            Ports.awaitAccepting(port, Duration.ofSeconds(15), process.process(), process::output);
        } catch (AssertionError e) {
            process.close();
            throw e;
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
