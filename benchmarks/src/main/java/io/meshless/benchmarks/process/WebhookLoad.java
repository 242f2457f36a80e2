package io.meshless.benchmarks.process;

import io.meshless.commandline.Arguments;
import io.meshless.commandline.Options;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Open-loop load on the admission webhook, shaped like the API server's: a fixed number of
 * keep-alive HTTPS connections (--connections, default 8) opened once and kept for every rate, AdmissionReviews due at a fixed rate,
 * latency counted from the moment each review was due (a stalled server cannot hide its queue:
 * no coordinated omission). A response is good only if it is 200 with `allowed` and a `patch`.
 * After each rate it reads the webhook's resident memory.
 *
 * <p>Prints one line per rate: {@code rate=… p50_ms=… p99_ms=… max_ms=… sent=… failed=… rss_mb=…},
 * after a first line {@code rate=sequential …}: one connection, one review after another, 2 s.
 * With {@code --slow-connections N} (default 0) a last line {@code rate=slow …} per value of
 * {@code --slow-nice}: the same pool at {@code --slow-rate} (default 100) reviews/s while N other
 * connections each send one header byte per second ({@link SlowClients}, a process of its own, run
 * under {@code nice -n} that value), with how many of them were open at the end and how many the
 * server closed.
 */
public final class WebhookLoad {
    private static final int MAX_QUEUED = 20_000;

    private static final Options OPTIONS = new Options()
            .value("--url", "URL", "the webhook (default https://127.0.0.1:8443/mutate)")
            .value("--ca", "FILE", "PEM CA that signed the webhook's certificate")
            .value("--pid", "PID", "the injector, whose CPU time is reported")
            .value("--seconds", "S", "per rate (default 5)")
            .value("--warmup-seconds", "S", "before measuring (default 3)")
            .value("--connections", "N", "keep-alive connections (default 8)")
            .value("--rates", "R,...", "reviews per second (default 100,500,1000)")
            .value("--slow-connections", "N", "slow clients held open in the last phase (default 0)")
            .value("--slow-rate", "N", "reviews per second beside them (default 100)")
            .value("--slow-nice", "N,...", "the neighbour's niceness, a slow phase each (default 19,0)");

    private WebhookLoad() {}

    public static void main(String[] argv) throws Exception {
        Arguments args = OPTIONS.parse(List.of(argv));
        URI uri = URI.create(args.value("--url", "https://127.0.0.1:8443/mutate"));
        Path caFile = args.requiredPath("--ca");
        String pid = args.value("--pid", "");
        double seconds = args.seconds("--seconds", Duration.ofSeconds(5)).toNanos() / 1e9;
        double warmup = args.seconds("--warmup-seconds", Duration.ofSeconds(3)).toNanos() / 1e9;
        int connections = args.count("--connections", Integer.MAX_VALUE, 8);
        String[] rates = args.value("--rates", "100,500,1000").split(",");
        SSLContext tls = trusting(caFile);

        // Warm the server's JIT first with one review after another, then open-loop at 100/s.
        Stats sequential = new Stats();
        Worker single = new Worker(tls, uri);
        // At least 20 reviews (a cold JVM on a busy machine may need seconds for the first),
        // but never more than three times the warm-up time.
        long t = System.nanoTime();
        long warmEnd = t + (long) (warmup * 1e9);
        long hardEnd = t + (long) (3 * warmup * 1e9);
        Stats sequentialWarm = new Stats();
        int attempts = 0;
        while (attempts < 100_000 && System.nanoTime() < hardEnd && (System.nanoTime() < warmEnd || attempts < 20)) {
            long t0 = System.nanoTime();
            attempts++;
            if (single.review() == null) {
                sequentialWarm.add(System.nanoTime() - t0);
            }
        }
        // Then one connection, one review after another: the service time with no queueing.
        long seqEnd = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < seqEnd && sequential.count() < 100_000) {
            long t0 = System.nanoTime();
            if (single.review() == null) {
                sequential.add(System.nanoTime() - t0);
            }
        }
        single.close();
        System.out.printf(
                Locale.ROOT,
                "rate=sequential p50_ms=%.2f p99_ms=%.2f max_ms=%.2f sent=%d failed=0 rss_mb=%s%n",
                sequential.percentileMicros(50) / 1000,
                sequential.percentileMicros(99) / 1000,
                sequential.percentileMicros(100) / 1000,
                sequential.count(),
                pid.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.0f", ProcessCpu.rssKb(pid) / 1024.0));

        // The API server keeps its connections to a webhook open: so do these, across all rates, so a
        // window measures reviews and not the handshakes of connections opened at its start.
        List<Worker> pool = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Worker w = new Worker(tls, uri);
            w.review();
            pool.add(w);
        }
        run(pool, 100, Math.min(2, warmup), null);
        for (String rate : rates) {
            Stats latency = new Stats();
            long[] counts = run(pool, Integer.parseInt(rate.trim()), seconds, latency);
            String rss = pid.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.0f", ProcessCpu.rssKb(pid) / 1024.0);
            System.out.printf(
                    Locale.ROOT,
                    "rate=%s p50_ms=%.2f p99_ms=%.2f max_ms=%.2f sent=%d failed=%d rss_mb=%s%n",
                    rate.trim(),
                    latency.percentileMicros(50) / 1000,
                    latency.percentileMicros(99) / 1000,
                    latency.percentileMicros(100) / 1000,
                    counts[0],
                    counts[1],
                    rss);
        }
        int slow = (int) args.number("--slow-connections", 0, Integer.MAX_VALUE, 0);
        if (slow > 0) {
            int slowRate = args.count("--slow-rate", Integer.MAX_VALUE, 100);
            for (String niceness : args.value("--slow-nice", "19,0").split(",")) {
                slowPhase(pool, uri, caFile, slow, Integer.parseInt(niceness.trim()), slowRate, seconds, pid);
            }
        }
        pool.forEach(Worker::close);
    }

    /**
     * The pool at {@code rate}/s while {@code count} slow connections, held by another process at the
     * given niceness, hold on to the server.
     */
    private static void slowPhase(
            List<Worker> pool, URI uri, Path ca, int count, int niceness, int rate, double seconds, String pid)
            throws InterruptedException, IOException {
        try (SlowClients.Neighbour slow = SlowClients.launch(uri, ca, count, niceness)) {
            // Bounded: at most 30 s for the slow connections to be open (2 s per handshake, 16 at a time).
            long openBy = System.nanoTime() + 30_000_000_000L;
            while (slow.open() < count && slow.alive() && System.nanoTime() < openBy) {
                Thread.sleep(100);
            }
            Thread.sleep(2_000); // every slow connection has sent its first bytes
            long openAtStart = slow.open();
            Stats latency = new Stats();
            long[] counts = run(pool, rate, seconds, latency);
            String rss = pid.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.0f", ProcessCpu.rssKb(pid) / 1024.0);
            Thread.sleep(200); // the neighbour's counts are printed every 100 ms
            System.out.printf(
                    Locale.ROOT,
                    "rate=slow nice=%d rps=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f sent=%d failed=%d rss_mb=%s"
                            + " slow_connections=%d slow_open_at_start=%d slow_open_at_end=%d slow_opened=%d"
                            + " slow_open_failed=%d slow_closed_by_server=%d%n",
                    niceness,
                    rate,
                    latency.percentileMicros(50) / 1000,
                    latency.percentileMicros(99) / 1000,
                    latency.percentileMicros(100) / 1000,
                    counts[0],
                    counts[1],
                    rss,
                    count,
                    openAtStart,
                    slow.open(),
                    slow.count("opened"),
                    slow.count("open_failed"),
                    slow.count("closed_by_server"));
        }
    }

    /** Reviews due at rate/s for the given seconds over the pool's connections; {sent, failed}. */
    private static long[] run(List<Worker> pool, int rate, double seconds, Stats latency) throws InterruptedException {
        int connections = pool.size();
        long total = (long) (rate * seconds);
        long period = 1_000_000_000L / rate;
        BlockingQueue<Long> due = new LinkedBlockingQueue<>();
        AtomicLong failed = new AtomicLong();
        AtomicLong done = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Worker w = pool.get(i);
            Thread t = new Thread(
                    () -> {
                        try {
                            while (true) {
                                Long when = due.poll(100, TimeUnit.MILLISECONDS);
                                if (when == null) {
                                    if (Thread.currentThread().isInterrupted()) {
                                        return;
                                    }
                                    continue;
                                }
                                if (when < 0) {
                                    return;
                                }
                                String problem = w.review();
                                long finished = System.nanoTime();
                                if (problem != null) {
                                    failed.incrementAndGet();
                                    firstFailure.compareAndSet(null, problem);
                                } else if (latency != null) {
                                    synchronized (latency) {
                                        latency.add(finished - when);
                                    }
                                }
                                done.incrementAndGet();
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "webhook-load-" + i);
            t.setDaemon(true);
            t.start();
            workers.add(t);
        }
        long start = System.nanoTime() + 10_000_000L;
        long dropped = 0;
        for (long i = 0; i < total; i++) {
            long when = start + i * period;
            long wait = when - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            if (due.size() >= MAX_QUEUED) {
                dropped++; // the server is hopelessly behind: count it, do not queue without bound
                continue;
            }
            due.add(when);
        }
        for (int i = 0; i < connections; i++) {
            due.add(-1L);
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        for (Thread t : workers) {
            t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
        for (Thread t : workers) {
            if (t.isAlive()) {
                t.interrupt();
            }
        }
        long unanswered = Math.max(0, total - dropped - done.get());
        if (firstFailure.get() != null) {
            System.err.println("rate " + rate + ": first failure: " + firstFailure.get());
        }
        if (unanswered > 0 || dropped > 0) {
            System.err.println("rate " + rate + ": " + dropped + " never sent (queue full), " + unanswered
                    + " unanswered after 30 s");
        }
        return new long[] {total, failed.get() + dropped + unanswered};
    }

    /** One keep-alive HTTPS connection to the webhook, reopened after any failure. */
    private static final class Worker {
        private final SSLContext tls;
        private final URI uri;
        private MiniHttp http;

        Worker(SSLContext tls, URI uri) {
            this.tls = tls;
            this.uri = uri;
        }

        /** Sends one review; null when the answer was a good patch, otherwise what was wrong. */
        String review() {
            try {
                if (http == null) {
                    http = connect();
                }
                byte[] body = admissionReview(UUID.randomUUID().toString()).getBytes(StandardCharsets.UTF_8);
                byte[] head = ("POST " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost()
                                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
                byte[] request = new byte[head.length + body.length];
                System.arraycopy(head, 0, request, 0, head.length);
                System.arraycopy(body, 0, request, head.length, body.length);
                StringBuilder response = new StringBuilder(4096);
                int code = http.exchange(request, response);
                if (code != 200) {
                    return "HTTP " + code + " " + abbreviate(response.toString());
                }
                String text = response.toString();
                if (!text.contains("\"allowed\":true") || !text.contains("\"patch\"")) {
                    return "no patch in: " + abbreviate(text);
                }
                return null;
            } catch (IOException | RuntimeException e) {
                close();
                return e.toString();
            }
        }

        private MiniHttp connect() throws IOException {
            SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket();
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
            s.setSoTimeout(10_000);
            SSLParameters params = s.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(params);
            s.startHandshake();
            return new MiniHttp(s, uri.getHost(), uri.getPath(), true);
        }

        void close() {
            if (http != null) {
                http.close();
                http = null;
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    /** A pod that opts in by label and annotation, as a Deployment's pods arrive at the webhook. */
    static String admissionReview(String uid) {
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

    /** A client context that trusts the CAs in {@code caFile} (PEM) and nothing else. */
    static SSLContext trusting(Path caFile) throws Exception {
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
