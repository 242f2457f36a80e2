package io.meshless.agent.it.support;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One TLS connection held open by the real {@code openssl s_client}, carrying HTTP/1.1 keep-alive
 * requests: what a long-lived client connection sees across a certificate rotation.
 */
public final class OpensslConnection implements AutoCloseable {
    private static final Pattern STATUS = Pattern.compile(".*HTTP/1\\.1 (\\d{3}) .*");
    private static final Pattern BODY = Pattern.compile(".*(hello from .*)");
    private static final Pattern END_OF_SERVER_CERTIFICATE = Pattern.compile("-----END CERTIFICATE-----");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final CapturedProcess client;
    private final Optional<BigInteger> serverSerial;

    private OpensslConnection(CapturedProcess client) {
        this.client = client;
        client.awaitLine(END_OF_SERVER_CERTIFICATE, TIMEOUT);
        this.serverSerial = new OpensslClient.Result(0, client.stdout(), client.stderr()).serverSerial();
    }

    /** Connects with a client certificate and completes the handshake. */
    public static OpensslConnection open(int port, Path caCert, Path clientCert, Path clientKey) {
        CapturedProcess client = CapturedProcess.start(
                "openssl-s_client-keepalive", OpensslClient.command(port, caCert, clientCert, clientKey), null);
        try {
            return new OpensslConnection(client);
        } catch (RuntimeException | AssertionError e) {
            client.close();
            throw e;
        }
    }

    /** The serial of the certificate the server presented when this connection was made. */
    public Optional<BigInteger> serverSerial() {
        return serverSerial;
    }

    /**
     * One GET on this connection; the server's answer as {@code <status> <body line>}. Fails with the
     * whole exchange if the server closed the connection instead.
     */
    public String get() {
        client.send("GET / HTTP/1.1");
        client.send("Host: localhost");
        client.send("");
        String status = client.awaitLine(STATUS, TIMEOUT).group(1);
        return status + " " + client.awaitLine(BODY, TIMEOUT).group(1);
    }

    public String output() {
        return client.output();
    }

    @Override
    public void close() {
        client.close();
    }
}
