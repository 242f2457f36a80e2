package io.meshless.benchmarks.process;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLSocketFactory;

/**
 * Times a server's first served mTLS request from outside. Runs before the server starts, with its own
 * key configured by hand (javax.net.ssl.*): it warms its own TLS code on {@code --warm-port} (nginx), writes
 * {@code --ready-file}, then tries {@code --port} every millisecond (a refused loopback connect costs
 * microseconds) until a connection is accepted; that one gets a full handshake and an HTTP 200. Prints {@code served_at_ms=…}
 * (epoch ms) and {@code attempts=…}; the harness subtracts the server's launch time. Gives up after
 * {@code --max-seconds} after it wrote the ready file; waits up to {@code --timeout-ms} (default 5000) for each read of
 * an accepted connection.
 */
public final class FirstRequestProbe {
    private FirstRequestProbe() {}

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        int port = Integer.parseInt(args.required("port"));
        int warmPort = Integer.parseInt(args.required("warm-port"));
        Path ready = Path.of(args.required("ready-file"));
        // A server may accept connections before it can serve them (Tomcat binds before it builds its SSL context):
        // the wait for the first response is part of what is measured.
        int timeoutMillis = args.intValue("timeout-ms", 5000);
        SSLSocketFactory factory = (SSLSocketFactory) SSLSocketFactory.getDefault();
        for (int i = 0; i < 20; i++) {
            String failure = HandshakeLoop.oneConnection(factory, "127.0.0.1", warmPort);
            if (failure != null) {
                throw new IOException("warm-up against port " + warmPort + " failed: " + failure);
            }
        }
        Files.writeString(ready, "ready\n");
        long deadline = System.nanoTime() + args.intValue("max-seconds", 60) * 1_000_000_000L;
        int attempts = 0;
        while (System.nanoTime() < deadline) {
            attempts++;
            String failure = HandshakeLoop.oneConnection(factory, "localhost", port, timeoutMillis);
            if (failure == null) {
                System.out.println("served_at_ms=" + System.currentTimeMillis() + " attempts=" + attempts);
                return;
            }
            if (!failure.startsWith(ConnectException.class.getName())) {
                System.out.println("failed=" + failure.replace(' ', '_'));
                return;
            }
            LockSupport.parkNanos(1_000_000);
        }
        System.out.println("failed=timeout attempts=" + attempts);
    }
}
