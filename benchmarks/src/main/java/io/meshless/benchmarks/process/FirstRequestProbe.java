package io.meshless.benchmarks.process;

import io.meshless.commandline.Arguments;
import io.meshless.commandline.Options;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    private static final Options OPTIONS = new Options()
            .value("--port", "N", "port the probed server listens on")
            .value("--warm-port", "N", "TLS port to warm this JVM's TLS up against")
            .value("--ready-file", "FILE", "written once warm")
            .value("--timeout-ms", "N", "per connect and read (default 5000)")
            .value("--max-seconds", "N", "give up after this long (default 60)");

    private FirstRequestProbe() {}

    public static void main(String[] argv) throws Exception {
        Arguments args = OPTIONS.parse(List.of(argv));
        int port = args.requiredPort("--port");
        int warmPort = args.requiredPort("--warm-port");
        Path ready = args.requiredPath("--ready-file");
        // A server may accept connections before it can serve them (Tomcat binds before it builds its SSL context):
        // the wait for the first response is part of what is measured.
        int timeoutMillis = args.count("--timeout-ms", Integer.MAX_VALUE, 5000);
        SSLSocketFactory factory = (SSLSocketFactory) SSLSocketFactory.getDefault();
        for (int i = 0; i < 20; i++) {
            String failure = HandshakeLoop.oneConnection(factory, "127.0.0.1", warmPort);
            if (failure != null) {
                throw new IOException("warm-up against port " + warmPort + " failed: " + failure);
            }
        }
        Files.writeString(ready, "ready\n");
        long deadline = System.nanoTime() + args.count("--max-seconds", Integer.MAX_VALUE, 60) * 1_000_000_000L;
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
