package io.meshless.benchmarks.process;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.meshless.commandline.Arguments;
import io.meshless.commandline.Options;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * An unmodified HTTPS application: the JDK's built-in server on the JVM's default SSLContext.
 * Run under `-javaagent` it serves the workload certificate, so rotation can be watched from
 * outside. Stops by itself after --max-seconds (the benchmark never leaves it behind).
 */
public final class HttpsHelloServer {
    private static final Options OPTIONS = new Options()
            .value("--port", "N", "port to listen on")
            .value("--max-seconds", "N", "stop after this long (default 600)");

    private HttpsHelloServer() {}

    public static void main(String[] argv) throws Exception {
        Arguments args = OPTIONS.parse(List.of(argv));
        int port = args.requiredPort("--port");
        int maxSeconds = args.count("--max-seconds", Integer.MAX_VALUE, 600);
        byte[] body = "ok\n".getBytes(StandardCharsets.US_ASCII);
        // The JDK server writes headers and body in two segments; with Nagle on, every response waits
        // ~40 ms for the client's delayed ACK, and that wait would be counted as rotation pickup.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }

        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", port), 128);
        server.setHttpsConfigurator(new HttpsConfigurator(SSLContext.getDefault()));
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        System.out.println("listening on 127.0.0.1:" + port);
        Thread.sleep(maxSeconds * 1000L);
        server.stop(0);
        System.exit(0);
    }
}
