package io.meshless.injector.http;

import static io.meshless.injector.http.RunningWebhook.readUntilClosed;
import static io.meshless.injector.http.RunningWebhook.send;
import static io.meshless.injector.http.WebhookHttpsTest.bytes;
import static io.meshless.injector.http.WebhookHttpsTest.parse;
import static io.meshless.injector.http.WebhookHttpsTest.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and careless clients against the real HTTPS server: connections that send their
 * request one byte per second, stop half-way, sit idle or come in too great a number. None of
 * them may keep a well-behaved AdmissionReview client from being answered.
 */
class SlowClientsTest {
    private static final Duration LONG = Duration.ofSeconds(120);
    private static final Duration SHORT = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    @Test
    void answersAReviewWhileSixtyFourConnectionsSendOneHeaderBytePerSecond() throws Exception {
        // Deadlines far beyond the test: the slow connections stay open while the review is answered.
        ServerLimits patient = new ServerLimits(LONG, LONG, LONG, LONG, 1000);
        byte[] header = "POST /mutate HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
        try (RunningWebhook webhook = new RunningWebhook(dir, patient)) {
            List<SSLSocket> slow = new ArrayList<>();
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
            try {
                for (int i = 0; i < 64; i++) {
                    slow.add(webhook.connect());
                }
                CountDownLatch twoBytesSent = new CountDownLatch(2);
                AtomicInteger tick = new AtomicInteger();
                ticker.scheduleAtFixedRate(
                        () -> {
                            int n = tick.getAndIncrement();
                            if (n >= 120) {
                                throw new IllegalStateException("slow clients stop after 120 s"); // ends the schedule
                            }
                            for (SSLSocket socket : slow) {
                                try {
                                    OutputStream out = socket.getOutputStream();
                                    out.write(n < header.length ? header[n] : 'a');
                                    out.flush();
                                } catch (IOException e) {
                                    // counted below through the server's open connections
                                }
                            }
                            twoBytesSent.countDown();
                        },
                        0,
                        1,
                        TimeUnit.SECONDS);
                assertThat(twoBytesSent.await(60, TimeUnit.SECONDS)).isTrue();

                HttpResponse<String> answer = webhook.post("/mutate", bytes(resource("pod-opted-in.json")));

                assertThat(answer.statusCode()).isEqualTo(200);
                JsonObject reply = parse(answer.body()).getJsonObject("response");
                assertThat(reply.getBoolean("allowed")).isTrue();
                assertThat(reply.getString("patchType")).isEqualTo("JSONPatch");
                // The slow connections were held open all along, not dropped to make room.
                assertThat(openConnections(webhook.get("/metrics").body())).isGreaterThanOrEqualTo(64 + 1);
            } finally {
                ticker.shutdownNow();
                for (SSLSocket socket : slow) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void answers408AndClosesWhenHeadersDoNotArriveInTime() throws Exception {
        ServerLimits limits = new ServerLimits(LONG, SHORT, LONG, LONG, 1000);
        try (RunningWebhook webhook = new RunningWebhook(dir, limits);
                SSLSocket socket = webhook.connect()) {
            send(socket, "POST /mutate HTTP/1.1\r\nHost: lo");

            String response = readUntilClosed(socket);

            assertThat(response)
                    .startsWith("HTTP/1.1 408 Request Timeout")
                    .contains("connection: close")
                    .contains("request headers not received within 1000 ms");
        }
    }

    @Test
    void answers408AndClosesWhenTheBodyDoesNotArriveInTime() throws Exception {
        ServerLimits limits = new ServerLimits(LONG, LONG, SHORT, LONG, 1000);
        try (RunningWebhook webhook = new RunningWebhook(dir, limits);
                SSLSocket socket = webhook.connect()) {
            send(
                    socket,
                    "POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 100\r\n\r\n{\"kind\":");

            String response = readUntilClosed(socket);

            assertThat(response)
                    .startsWith("HTTP/1.1 408 Request Timeout")
                    .contains("request body not received within 1000 ms");
        }
    }

    @Test
    void closesAnIdleKeepAliveConnectionAfterServingIt() throws Exception {
        ServerLimits limits = new ServerLimits(LONG, LONG, LONG, SHORT, 1000);
        try (RunningWebhook webhook = new RunningWebhook(dir, limits);
                SSLSocket socket = webhook.connect()) {
            send(socket, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");

            // The answer, then nothing: the server closes the connection it keeps alive no longer.
            String response = readUntilClosed(socket);

            assertThat(response).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\nok\n");
        }
    }

    @Test
    void keepsAliveAConnectionThatIsNotIdleTooLong() throws Exception {
        try (RunningWebhook webhook = new RunningWebhook(dir);
                SSLSocket socket = webhook.connect()) {
            for (int i = 0; i < 3; i++) {
                send(socket, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200 OK");
            }
        }
    }

    @Test
    void closesConnectionsOverTheLimitAndServesTheOthers() throws Exception {
        ServerLimits two = ServerLimits.DEFAULT.withMaxConnections(2);
        try (RunningWebhook webhook = new RunningWebhook(dir, two);
                SSLSocket first = webhook.connect();
                SSLSocket second = webhook.connect()) {

            assertThatThrownBy(webhook::connect).isInstanceOf(IOException.class);

            send(second, "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n");
            String metrics = readResponse(second.getInputStream());
            assertThat(metrics)
                    .startsWith("HTTP/1.1 200 OK")
                    .contains("meshless_webhook_connections_refused_total 1")
                    .contains("meshless_webhook_open_connections 2");
        }
    }

    @Test
    void refusesLimitsThatCannotWork() {
        assertThatThrownBy(() -> new ServerLimits(Duration.ZERO, LONG, LONG, LONG, 10))
                .hasMessageContaining("handshake deadline must be positive");
        assertThatThrownBy(() -> new ServerLimits(LONG, LONG, LONG, LONG, 0))
                .hasMessageContaining("maxConnections must be at least 1");
    }

    private static int openConnections(String metrics) {
        Matcher m = Pattern.compile("(?m)^meshless_webhook_open_connections (\\d+)$")
                .matcher(metrics);
        assertThat(m.find()).as("open connections gauge in %s", metrics).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** One response with a Content-Length body. */
    static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed inside the headers: " + head);
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(headers);
        assertThat(length.find()).as("Content-Length in %s", headers).isTrue();
        return headers + new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.US_ASCII);
    }
}
