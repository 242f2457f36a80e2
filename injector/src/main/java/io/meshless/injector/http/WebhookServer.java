package io.meshless.injector.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.meshless.injector.metrics.InjectorMetrics;
import io.meshless.injector.webhook.AdmissionReply;
import io.meshless.injector.webhook.AdmissionReviewHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin HTTPS adapter around {@link AdmissionReviewHandler}: JDK {@code HttpsServer}, so the
 * injector carries no HTTP framework, and its {@link SSLContext} is built over a reloading key
 * manager so the serving certificate rotates without a restart.
 *
 * <p>Endpoints: POST /mutate, GET /healthz, GET /readyz, GET /metrics. Exact paths only.
 */
public final class WebhookServer implements AutoCloseable {
    /** The API server's own request limit: a bigger body is not an AdmissionReview from it. */
    public static final int MAX_BODY_BYTES = 3 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(WebhookServer.class);
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    static {
        // The JDK server otherwise drains up to 64 KiB of an unread request body before closing,
        // blocking a request thread on a client that announced 100 MB and sends nothing: refuse
        // early, close at once. Bound how long a request may take to arrive (the API server gives
        // a webhook 10 s by default). Set only when the operator did not choose otherwise.
        defaultProperty("sun.net.httpserver.drainAmount", "0");
        defaultProperty("sun.net.httpserver.maxReqTime", "30");
        // The JDK server writes response headers and body separately; with Nagle's algorithm on,
        // the body waits for the client's delayed ACK (about 40 ms on Linux) on every keep-alive
        // review, which dwarfs the microseconds the mutation itself takes.
        defaultProperty("sun.net.httpserver.nodelay", "true");
    }

    private static void defaultProperty(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }

    private final HttpsServer server;
    private final ExecutorService executor;
    private final AdmissionReviewHandler handler;
    private final InjectorMetrics metrics;
    private final Readiness readiness;

    private WebhookServer(
            HttpsServer server,
            ExecutorService executor,
            AdmissionReviewHandler handler,
            InjectorMetrics metrics,
            Readiness readiness) {
        this.server = server;
        this.executor = executor;
        this.handler = handler;
        this.metrics = metrics;
        this.readiness = readiness;
    }

    /**
     * Binds and starts serving.
     *
     * @param address e.g. 0.0.0.0:8443, or 127.0.0.1:0 for an ephemeral port in tests
     * @param tls server context whose key manager supplies the (rotating) serving certificate
     * @param threads request threads (admission is CPU-bound and short)
     */
    public static WebhookServer start(
            InetSocketAddress address,
            SSLContext tls,
            AdmissionReviewHandler handler,
            InjectorMetrics metrics,
            Readiness readiness,
            int threads)
            throws IOException {
        Objects.requireNonNull(tls, "tls");
        HttpsServer server = HttpsServer.create(address, 128);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
                ssl.setProtocols(PROTOCOLS); // TLS 1.2+ only
                ssl.setNeedClientAuth(false); // the API server authenticates us, not the reverse
                params.setSSLParameters(ssl);
            }
        });
        AtomicInteger count = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "meshless-webhook-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        WebhookServer webhook = new WebhookServer(
                server,
                executor,
                Objects.requireNonNull(handler, "handler"),
                Objects.requireNonNull(metrics, "metrics"),
                Objects.requireNonNull(readiness, "readiness"));
        server.createContext("/", webhook::dispatch);
        server.setExecutor(executor);
        server.start();
        return webhook;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            switch (path) {
                case "/mutate":
                    if (!"POST".equals(method)) {
                        exchange.getResponseHeaders().set("Allow", "POST");
                        send(
                                exchange,
                                405,
                                "text/plain; charset=utf-8",
                                "/mutate accepts POST only, not " + method + "\n");
                    } else {
                        mutate(exchange);
                    }
                    break;
                case "/healthz":
                    getOnly(exchange, method, 200, "ok\n");
                    break;
                case "/readyz":
                    Readiness.Report report = readiness.check();
                    getOnly(exchange, method, report.ready() ? 200 : 503, report.body());
                    break;
                case "/metrics":
                    if (!"GET".equals(method)) {
                        exchange.getResponseHeaders().set("Allow", "GET");
                        send(exchange, 405, "text/plain; charset=utf-8", path + " accepts GET only\n");
                    } else {
                        send(exchange, 200, InjectorMetrics.CONTENT_TYPE, metrics.scrape());
                    }
                    break;
                default:
                    send(
                            exchange,
                            404,
                            "text/plain; charset=utf-8",
                            "no such endpoint: " + path
                                    + " (endpoints: POST /mutate, GET /healthz, /readyz, /metrics)\n");
            }
        } catch (IOException | RuntimeException e) {
            // The client went away or sent garbage; this exchange is over, the server goes on.
            LOG.debug("request failed: {}", e.toString());
        }
    }

    private void mutate(HttpExchange exchange) throws IOException {
        long start = System.nanoTime();
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null && !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            reject(exchange, start, 415, "Content-Type must be application/json, not " + contentType);
            return;
        }
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                reject(exchange, start, 400, "Content-Length is not a number: " + length);
                return;
            }
            if (declared > MAX_BODY_BYTES) {
                // Refused before reading a byte of it; the JDK server then drops the connection.
                reject(
                        exchange,
                        start,
                        413,
                        "request body of " + declared + " bytes is over the limit of " + MAX_BODY_BYTES
                                + " bytes (3 MiB)");
                return;
            }
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                // Read a little more, so a client that is done sending gets the answer rather than a
                // connection reset; a client that keeps sending is cut off when we close.
                in.readNBytes(64 * 1024);
                reject(exchange, start, 413, "request body is over the limit of " + MAX_BODY_BYTES + " bytes (3 MiB)");
                return;
            }
        }
        AdmissionReply reply = handler.handle(body);
        send(exchange, reply.httpStatus(), reply.contentType(), reply.body());
        metrics.admission(reply.result(), Duration.ofNanos(System.nanoTime() - start));
        if (reply.result() == AdmissionReply.Result.INJECTED || reply.result() == AdmissionReply.Result.SKIPPED) {
            LOG.debug("{}: {}", reply.result().label(), reply.message());
        } else {
            LOG.info("admission {}: {}", reply.result().label(), reply.message());
        }
    }

    private void reject(HttpExchange exchange, long start, int status, String message) throws IOException {
        exchange.getResponseHeaders().set("Connection", "close");
        send(exchange, status, "text/plain; charset=utf-8", message + "\n");
        metrics.admission(AdmissionReply.Result.INVALID, Duration.ofNanos(System.nanoTime() - start));
        LOG.info("admission invalid: {}", message);
    }

    private static void getOnly(HttpExchange exchange, String method, int status, String body) throws IOException {
        if (!"GET".equals(method)) {
            exchange.getResponseHeaders().set("Allow", "GET");
            send(
                    exchange,
                    405,
                    "text/plain; charset=utf-8",
                    exchange.getRequestURI().getPath() + " accepts GET only\n");
        } else {
            send(exchange, status, "text/plain; charset=utf-8", body);
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        send(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
