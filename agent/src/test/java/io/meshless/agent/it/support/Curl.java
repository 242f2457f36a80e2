package io.meshless.agent.it.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The real curl as an outside client of servers running under the agent. */
public final class Curl {

    private Curl() {}

    /** A GET with a client certificate. */
    public static Result get(String url, Path caCert, Path clientCert, Path clientKey) {
        return run(url, caCert, List.of("--cert", clientCert.toString(), "--key", clientKey.toString()));
    }

    /** A GET that presents no client certificate. */
    public static Result getWithoutClientCertificate(String url, Path caCert) {
        return run(url, caCert, List.of());
    }

    /**
     * A GET with a client certificate that reports the HTTP status and the serial of the server
     * certificate ({@code -w %{certs}}, curl 7.88+) instead of the body.
     */
    public static Result getReportingServerCertificate(String url, Path caCert, Path clientCert, Path clientKey) {
        return run(
                url,
                caCert,
                List.of(
                        "--cert",
                        clientCert.toString(),
                        "--key",
                        clientKey.toString(),
                        "--output",
                        "/dev/null",
                        "--write-out",
                        "status=%{http_code}\\n%{certs}"));
    }

    /**
     * One unary gRPC call over HTTP/2: a POST of {@code application/grpc} with the framed request message in
     * {@code frame}, presenting the client certificate when {@code clientCert} is not null. The body holds the
     * framed response message, then {@code %{certs}} (see {@link Result#serverSerial()}).
     */
    public static Result grpcUnary(String url, Path caCert, Path clientCert, Path clientKey, Path frame) {
        List<String> extra = new ArrayList<>(List.of(
                "--http2",
                "--header",
                "content-type: application/grpc",
                "--header",
                "te: trailers",
                "--data-binary",
                "@" + frame,
                "--write-out",
                "\\n%{certs}"));
        if (clientCert != null) {
            extra.addAll(List.of("--cert", clientCert.toString(), "--key", clientKey.toString()));
        }
        return run(url, caCert, extra);
    }

    private static Result run(String url, Path caCert, List<String> extra) {
        List<String> command = new ArrayList<>(List.of(
                "curl", "--silent", "--show-error", "--max-time", "15", "--tlsv1.2", "--cacert", caCert.toString()));
        command.addAll(extra);
        command.add(url);
        try (CapturedProcess curl = CapturedProcess.start("curl", command, null)) {
            int exit = curl.awaitExit(Duration.ofSeconds(30));
            return new Result(exit, curl.stdout(), curl.stderr());
        }
    }

    /** curl's exit code (0 = HTTP exchange completed), body and error text. */
    public static final class Result {
        private final int exitCode;
        private final String body;
        private final String error;

        Result(int exitCode, String body, String error) {
            this.exitCode = exitCode;
            this.body = body;
            this.error = error;
        }

        public int exitCode() {
            return exitCode;
        }

        public String body() {
            return body;
        }

        public String error() {
            return error;
        }

        public boolean succeeded() {
            return exitCode == 0;
        }

        /** The first "Serial Number:" of {@code %{certs}} (the server's leaf), lower-case hex. */
        public java.util.Optional<java.math.BigInteger> serverSerial() {
            return body.lines()
                    .filter(line -> line.startsWith("Serial Number:"))
                    .findFirst()
                    .map(line -> new java.math.BigInteger(
                            line.substring("Serial Number:".length()).trim().replace(":", ""), 16));
        }

        @Override
        public String toString() {
            return "curl exit " + exitCode + ", body: " + body + ", stderr: " + error;
        }
    }
}
