package io.meshless.benchmarks.process;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Open-loop load on the admission webhook: AdmissionReviews POSTed at a fixed rate, latency
 * measured from the moment each request was due (so a stalled server cannot hide its queue,
 * no coordinated omission). After each rate it reads the webhook's resident memory.
 *
 * <p>Prints one line per rate: {@code rate=… p50_ms=… p99_ms=… max_ms=… sent=… failed=… rss_mb=…}.
 */
public final class WebhookLoad {
    private static final int MAX_IN_FLIGHT = 512;

    private WebhookLoad() {}

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        URI uri = URI.create(args.get("url", "https://127.0.0.1:8443/mutate"));
        Path caFile = Path.of(args.required("ca"));
        String pid = args.get("pid", "");
        double seconds = args.doubleValue("seconds", 5);
        double warmup = args.doubleValue("warmup-seconds", 3);
        String[] rates = args.get("rates", "100,500,1000").split(",");

        ExecutorService executor = Executors.newFixedThreadPool(2);
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(trusting(caFile))
                .connectTimeout(Duration.ofSeconds(5))
                .executor(executor)
                .build();
        try {
            run(client, uri, 100, warmup, null);
            for (String rate : rates) {
                Stats latency = new Stats();
                long[] counts = run(client, uri, Integer.parseInt(rate.trim()), seconds, latency);
                String rss = pid.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.0f", ProcessCpu.rssKb(pid) / 1024.0);
                System.out.printf(Locale.ROOT, "rate=%s p50_ms=%.2f p99_ms=%.2f max_ms=%.2f sent=%d failed=%d rss_mb=%s%n",
                        rate.trim(), latency.percentileMicros(50) / 1000, latency.percentileMicros(99) / 1000,
                        latency.percentileMicros(100) / 1000, counts[0], counts[1], rss);
            }
        } finally {
            executor.shutdownNow();
        }
    }

    /** Sends rate×seconds reviews on schedule; returns {sent, failed}. */
    private static long[] run(HttpClient client, URI uri, int rate, double seconds, Stats latency)
            throws InterruptedException {
        long total = (long) (rate * seconds);
        long period = 1_000_000_000L / rate;
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        AtomicLong failed = new AtomicLong();
        String firstFailure[] = new String[1];
        long start = System.nanoTime() + 10_000_000L;
        for (long i = 0; i < total; i++) {
            long due = start + i * period;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            if (!inFlight.tryAcquire()) {
                // More than MAX_IN_FLIGHT outstanding: the server has fallen behind; count it.
                failed.incrementAndGet();
                continue;
            }
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(review(UUID.randomUUID().toString())))
                    .build();
            client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                long done = System.nanoTime();
                inFlight.release();
                boolean good = error == null && response.statusCode() == 200
                        && response.body().contains("\"allowed\"") && response.body().contains("\"patch\"");
                if (!good) {
                    failed.incrementAndGet();
                    synchronized (firstFailure) {
                        if (firstFailure[0] == null) {
                            firstFailure[0] = error != null ? error.toString()
                                    : "HTTP " + response.statusCode() + " " + abbreviate(response.body());
                        }
                    }
                } else if (latency != null) {
                    synchronized (latency) {
                        latency.add(done - due);
                    }
                }
            });
        }
        if (!inFlight.tryAcquire(MAX_IN_FLIGHT, 15, TimeUnit.SECONDS)) {
            System.err.println("requests still outstanding after 15 s");
        } else {
            inFlight.release(MAX_IN_FLIGHT);
        }
        synchronized (firstFailure) {
            if (firstFailure[0] != null) {
                System.err.println("rate " + rate + ": first failure: " + firstFailure[0]);
            }
        }
        return new long[] {total, failed.get()};
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    /** A pod that opts in by label and annotation, as a Deployment's pods arrive at the webhook. */
    static String review(String uid) {
        return "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{"
                + "\"uid\":\"" + uid + "\","
                + "\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},"
                + "\"resource\":{\"group\":\"\",\"version\":\"v1\",\"resource\":\"pods\"},"
                + "\"requestKind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},"
                + "\"requestResource\":{\"group\":\"\",\"version\":\"v1\",\"resource\":\"pods\"},"
                + "\"namespace\":\"shop\",\"operation\":\"CREATE\","
                + "\"userInfo\":{\"username\":\"system:serviceaccount:kube-system:replicaset-controller\"},"
                + "\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"generateName\":\"orders-7d9f-\","
                + "\"namespace\":\"shop\",\"labels\":{\"app\":\"orders\",\"meshless.io/inject\":\"true\"},"
                + "\"annotations\":{\"meshless.io/inject\":\"true\"}},"
                + "\"spec\":{\"serviceAccountName\":\"orders\",\"containers\":[{\"name\":\"app\","
                + "\"image\":\"eclipse-temurin:17-jre\",\"env\":[{\"name\":\"JAVA_TOOL_OPTIONS\",\"value\":\"-Xmx256m\"}],"
                + "\"ports\":[{\"containerPort\":8443}]}]}},"
                + "\"oldObject\":null,\"dryRun\":false,\"options\":{\"apiVersion\":\"meta.k8s.io/v1\",\"kind\":\"CreateOptions\"}}}";
    }

    private static SSLContext trusting(Path caFile) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
