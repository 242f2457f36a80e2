package io.meshless.agent.it.support;

import io.meshless.pki.CertificateReader;
import io.meshless.pki.PkiException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real {@code openssl s_client} as an outside client that can save a TLS session and offer it
 * again ({@code -sess_out} / {@code -sess_in}), to see whether a server under the agent resumes it.
 */
public final class OpensslClient {
    private static final Pattern SESSION_LINE = Pattern.compile("^(New|Reused), (TLSv1\\.[23])", Pattern.MULTILINE);
    private static final Pattern SERVER_CERT = Pattern.compile(
            "Server certificate\\s*\\n(-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----)", Pattern.DOTALL);

    private OpensslClient() {}

    /**
     * One HTTP/1.0 GET over {@code protocol} ("tls1_2" or "tls1_3") with a client certificate,
     * reading the response (which is when TLS 1.3 tickets arrive), saving the session to
     * {@code sessionOut} and offering {@code sessionIn} when given.
     */
    public static Result get(
            int port, String protocol, Path caCert, Path clientCert, Path clientKey, Path sessionIn, Path sessionOut) {
        return getOfferingAlpn(null, port, protocol, caCert, clientCert, clientKey, sessionIn, sessionOut);
    }

    /**
     * {@link #get}, offering the ALPN protocol {@code alpn} when not null: "h2" for an HTTP/2-only server such as
     * gRPC's, which answers the GET by closing the connection; its session line and certificate are what count.
     */
    public static Result getOfferingAlpn(
            String alpn,
            int port,
            String protocol,
            Path caCert,
            Path clientCert,
            Path clientKey,
            Path sessionIn,
            Path sessionOut) {
        List<String> command = command(port, caCert, clientCert, clientKey);
        command.addAll(List.of("-" + protocol, "-ign_eof"));
        if (alpn != null) {
            command.addAll(List.of("-alpn", alpn));
        }
        if (sessionIn != null) {
            command.addAll(List.of("-sess_in", sessionIn.toString()));
        }
        if (sessionOut != null) {
            command.addAll(List.of("-sess_out", sessionOut.toString()));
        }
        return run(command);
    }

    /** One HTTP/1.0 GET with a client certificate, asking for {@code serverName} by SNI ({@code -servername}). */
    public static Result getWithServerName(int port, String serverName, Path caCert, Path clientCert, Path clientKey) {
        List<String> command = command(port, caCert, clientCert, clientKey);
        command.addAll(List.of("-servername", serverName, "-ign_eof"));
        return run(command);
    }

    private static Result run(List<String> command) {
        try (CapturedProcess client = CapturedProcess.start("openssl-s_client", command, null)) {
            client.send("GET / HTTP/1.0"); // -crlf: each line ends in CR LF
            client.send("");
            client.closeStdin();
            int exit = client.awaitExit(Duration.ofSeconds(30));
            return new Result(exit, client.stdout(), client.stderr());
        }
    }

    /** {@code s_client} to 127.0.0.1:port with a client certificate, lines ending in CR LF; more options may follow. */
    static List<String> command(int port, Path caCert, Path clientCert, Path clientKey) {
        return new ArrayList<>(List.of(
                Binaries.require("openssl").toString(),
                "s_client",
                "-connect",
                "127.0.0.1:" + port,
                "-CAfile",
                caCert.toString(),
                "-cert",
                clientCert.toString(),
                "-key",
                clientKey.toString(),
                "-crlf"));
    }

    /** What s_client printed: whether the session was resumed and the server certificate it holds. */
    public static final class Result {
        private final int exitCode;
        private final String stdout;
        private final String stderr;

        Result(int exitCode, String stdout, String stderr) {
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        /** The server answered; s_client's exit code is not used: OpenSSL 3 counts a close without close_notify as an error. */
        public boolean servedHttp200() {
            return stdout.contains("HTTP/1.1 200");
        }

        /** "New" or "Reused" (s_client's session line), empty when the handshake did not complete. */
        public Optional<String> session() {
            Matcher m = SESSION_LINE.matcher(stdout);
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        }

        /** Serial of the server certificate the connection ended up with (for a resumed one, the session's). */
        public Optional<BigInteger> serverSerial() {
            Matcher m = SERVER_CERT.matcher(stdout);
            if (!m.find()) {
                return Optional.empty();
            }
            try {
                return Optional.of(
                        CertificateReader.parse(m.group(1).getBytes(StandardCharsets.US_ASCII), "s_client output")
                                .get(0)
                                .getSerialNumber());
            } catch (PkiException e) {
                throw new AssertionError("s_client printed a certificate that does not parse: " + e.getMessage(), e);
            }
        }

        @Override
        public String toString() {
            return "s_client exit " + exitCode + "\n" + stdout + "\n" + stderr;
        }
    }
}
