package io.meshless.benchmarks.process;

import io.meshless.commandline.Arguments;
import io.meshless.commandline.Options;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * New TLS connections, one after another, through the JVM's default SSLSocketFactory: whatever
 * configured it (the agent, or javax.net.ssl.* properties) is what gets measured. Every
 * connection is a full handshake (the session is invalidated, so nothing is resumed) followed by
 * one GET with `Connection: close`.
 *
 * <p>Prints one line: {@code handshakes_per_s=… ok=… failed=… seconds=…}.
 */
public final class HandshakeLoop {
    private static final Options OPTIONS = new Options()
            .value("--host", "HOST", "server (default 127.0.0.1)")
            .value("--port", "N", "server TLS port")
            .value("--warmup-seconds", "S", "handshakes before measuring (default 2)")
            .value("--seconds", "S", "measured time (default 5)")
            .value("--max-connections", "N", "stop after this many (default 200000)");

    private HandshakeLoop() {}

    public static void main(String[] argv) throws Exception {
        Arguments args = OPTIONS.parse(List.of(argv));
        String host = args.value("--host", "127.0.0.1");
        int port = args.requiredPort("--port");
        double warmup = args.seconds("--warmup-seconds", Duration.ofSeconds(2)).toNanos() / 1e9;
        double seconds = args.seconds("--seconds", Duration.ofSeconds(5)).toNanos() / 1e9;
        int maxConnections = args.count("--max-connections", Integer.MAX_VALUE, 200_000);

        SSLSocketFactory factory = (SSLSocketFactory) SSLSocketFactory.getDefault();
        long warmupEnd = System.nanoTime() + (long) (warmup * 1e9);
        String firstFailure = null;
        while (System.nanoTime() < warmupEnd) {
            String f = oneConnection(factory, host, port);
            if (f != null && firstFailure == null) {
                firstFailure = f;
            }
        }
        int ok = 0;
        int failed = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long now = start;
        while (now < end && ok + failed < maxConnections) {
            String f = oneConnection(factory, host, port);
            if (f == null) {
                ok++;
            } else {
                failed++;
                if (firstFailure == null) {
                    firstFailure = f;
                }
            }
            now = System.nanoTime();
        }
        double elapsed = (now - start) / 1e9;
        if (firstFailure != null) {
            System.err.println("first failure: " + firstFailure);
        }
        System.out.printf(
                java.util.Locale.ROOT,
                "handshakes_per_s=%.1f ok=%d failed=%d seconds=%.2f%n",
                ok / elapsed,
                ok,
                failed,
                elapsed);
    }

    /** One full handshake and request; null when it worked, otherwise why not. */
    static String oneConnection(SSLSocketFactory factory, String host, int port) {
        return oneConnection(factory, host, port, 5000);
    }

    /** The same, waiting up to {@code timeoutMillis} to connect and for each read. */
    static String oneConnection(SSLSocketFactory factory, String host, int port, int timeoutMillis) {
        SSLSocket socket = null;
        try {
            socket = (SSLSocket) factory.createSocket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            // The client a real application would be: HTTPS host-name checking switched on.
            SSLParameters params = socket.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(params);
            socket.startHandshake();
            MiniHttp http = new MiniHttp(socket, host, "/", false);
            int code = http.get();
            socket.getSession().invalidate();
            return code == 200 ? null : "HTTP " + code;
        } catch (IOException | RuntimeException e) {
            return e.toString();
        } finally {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // the measurement is over for this connection
                }
            }
        }
    }
}
