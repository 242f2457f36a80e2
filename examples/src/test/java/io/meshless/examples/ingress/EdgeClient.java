package io.meshless.examples.ingress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real curl as a client on the internet, calling the ingress by its host name. */
final class EdgeClient {

    private final Path trustedCa;
    private final List<String> clientCertificate;

    private EdgeClient(Path trustedCa, List<String> clientCertificate) {
        this.trustedCa = trustedCa;
        this.clientCertificate = clientCertificate;
    }

    /** A client that trusts {@code trustedCa} for the ingress's certificate and presents none of its own. */
    static EdgeClient anonymous(Path trustedCa) {
        return new EdgeClient(trustedCa, List.of());
    }

    /** The same client presenting a client certificate ({@code auth-tls-*} at the ingress). */
    EdgeClient presenting(Path certificate, Path key) {
        return new EdgeClient(trustedCa, List.of("--cert", certificate.toString(), "--key", key.toString()));
    }

    /** {@code GET https://host:port/}, {@code host} resolved to loopback. */
    Response get(String host, int port) {
        List<String> command = new ArrayList<>(List.of(
                "curl",
                "--silent",
                "--show-error",
                "--max-time",
                "30",
                "--tlsv1.2",
                "--cacert",
                trustedCa.toString(),
                "--resolve",
                host + ":" + port + ":127.0.0.1",
                "--write-out",
                "\n%{http_code}"));
        command.addAll(clientCertificate);
        command.add("https://" + host + ":" + port + "/");
        try {
            Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = curl.getInputStream().readAllBytes();
            if (!curl.waitFor(60, TimeUnit.SECONDS)) {
                curl.destroyForcibly();
                throw new AssertionError("curl did not finish: " + command);
            }
            return Response.parse(new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run curl (installed by .ci/run)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running curl", e);
        }
    }

    /** The HTTP status (0 when there was no HTTP answer) and the body with any curl error text. */
    static final class Response {
        private final int status;
        private final String body;

        private Response(int status, String body) {
            this.status = status;
            this.body = body;
        }

        static Response parse(String output) {
            int cut = output.lastIndexOf('\n');
            String code = output.substring(cut + 1).trim();
            return new Response(
                    code.matches("\\d{3}") ? Integer.parseInt(code) : 0, output.substring(0, Math.max(cut, 0)));
        }

        int status() {
            return status;
        }

        String body() {
            return body;
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
