package io.meshless.benchmarks.process;

import io.meshless.commandline.Arguments;
import io.meshless.commandline.Options;
import java.util.List;
import javax.net.ssl.SSLSocketFactory;

/**
 * An application whose first action is TLS: {@code SSLSocketFactory.getDefault()}, then {@code --connections}
 * new mTLS connections to nginx (full handshakes and one GET each, see {@link HandshakeLoop}), then exit.
 * Whatever configured the default factory (the agent, or javax.net.ssl.* properties) is what gets measured,
 * cold: nothing runs before the first connection.
 *
 * <p>{@code --launched-ms} is the harness's wall clock (epoch ms) just before it started this JVM, so the
 * time to the first completed handshake includes the JVM's own start-up. Prints one line:
 * {@code first_ms=… total_ms=… connections=… ok=… failed=… per_s=… rest_per_s=…}; {@code per_s} counts from
 * the {@code getDefault()} call (the agent's install included), {@code rest_per_s} from the end of the
 * first connection.
 */
public final class FirstTlsUseClient {
    private static final Options OPTIONS = new Options()
            .value("--launched-ms", "MS", "epoch milliseconds at which the JVM was launched")
            .value("--host", "HOST", "server (default 127.0.0.1)")
            .value("--port", "N", "server TLS port")
            .value("--connections", "N", "connections in all (default 1)");

    private FirstTlsUseClient() {}

    public static void main(String[] argv) throws Exception {
        long begin = System.nanoTime();
        Arguments args = OPTIONS.parse(List.of(argv));
        long launched = args.requiredNumber("--launched-ms", 0, Long.MAX_VALUE);
        String host = args.value("--host", "127.0.0.1");
        int port = args.requiredPort("--port");
        int connections = args.count("--connections", Integer.MAX_VALUE, 1);

        SSLSocketFactory factory = (SSLSocketFactory) SSLSocketFactory.getDefault();
        String firstFailure = HandshakeLoop.oneConnection(factory, host, port);
        long firstDone = System.nanoTime();
        long firstMs = System.currentTimeMillis() - launched;
        int failed = firstFailure == null ? 0 : 1;
        for (int i = 1; i < connections; i++) {
            String f = HandshakeLoop.oneConnection(factory, host, port);
            if (f != null) {
                failed++;
                if (firstFailure == null) {
                    firstFailure = f;
                }
            }
        }
        long end = System.nanoTime();
        if (firstFailure != null) {
            System.err.println("first failure: " + firstFailure);
        }
        System.out.printf(
                java.util.Locale.ROOT,
                "first_ms=%d total_ms=%d connections=%d ok=%d failed=%d per_s=%.1f rest_per_s=%.1f%n",
                firstMs,
                System.currentTimeMillis() - launched,
                connections,
                connections - failed,
                failed,
                connections / ((end - begin) / 1e9),
                connections > 1 ? (connections - 1) / ((end - firstDone) / 1e9) : 0.0);
    }
}
