package io.meshless.injector.metrics;

import io.meshless.injector.controller.ControllerMetrics;
import io.meshless.injector.webhook.AdmissionReply;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The injector's metrics in the Prometheus text format 0.0.4, written by hand: four families do
 * not justify a dependency in a jar that runs with API server credentials. Thread-safe; the
 * controller's figures are pulled at scrape time, so they are never stale.
 */
public final class InjectorMetrics {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Upper bounds in seconds; admission is expected in well under 5 ms. */
    static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};

    private volatile Supplier<ControllerMetrics> controller;
    private volatile IntSupplier openConnections;
    private final LongAdder connectionsRefused = new LongAdder();
    private final Map<AdmissionReply.Result, LongAdder> admissions = new ConcurrentHashMap<>();
    private final LongAdder[] bucketCounts = new LongAdder[BUCKETS.length];
    private final LongAdder latencyCount = new LongAdder();
    private final LongAdder latencyNanos = new LongAdder();

    public InjectorMetrics() {
        for (int i = 0; i < BUCKETS.length; i++) {
            bucketCounts[i] = new LongAdder();
        }
        for (AdmissionReply.Result result : AdmissionReply.Result.values()) {
            admissions.put(result, new LongAdder());
        }
    }

    /** One POST /mutate answered with this result after {@code latency}. */
    public void admission(AdmissionReply.Result result, Duration latency) {
        admissions.get(result).increment();
        long nanos = Math.max(0, latency.toNanos());
        double seconds = nanos / 1e9;
        for (int i = 0; i < BUCKETS.length; i++) {
            if (seconds <= BUCKETS[i]) {
                bucketCounts[i].increment(); // non-cumulative here, summed when written
                break;
            }
        }
        latencyCount.increment();
        latencyNanos.add(nanos);
    }

    /**
     * Adds the controller's figures to every scrape (serve mode). The supplier is called on the
     * scrape thread and must be cheap.
     */
    public void attachController(Supplier<ControllerMetrics> figures) {
        this.controller = Objects.requireNonNull(figures, "figures");
    }

    /** The webhook server's count of open connections, read at every scrape. */
    public void attachOpenConnections(IntSupplier open) {
        this.openConnections = Objects.requireNonNull(open, "open");
    }

    /** A connection closed at once because the server had its maximum open. */
    public void connectionRefused() {
        connectionsRefused.increment();
    }

    public String scrape() {
        StringBuilder out = new StringBuilder(2048);
        out.append("# HELP meshless_admissions_total Admission reviews answered, by result.\n");
        out.append("# TYPE meshless_admissions_total counter\n");
        for (AdmissionReply.Result result : AdmissionReply.Result.values()) {
            out.append("meshless_admissions_total{result=\"")
                    .append(result.label())
                    .append("\"} ")
                    .append(admissions.get(result).sum())
                    .append('\n');
        }
        out.append("# HELP meshless_admission_duration_seconds Time to answer one admission review.\n");
        out.append("# TYPE meshless_admission_duration_seconds histogram\n");
        long cumulative = 0;
        for (int i = 0; i < BUCKETS.length; i++) {
            cumulative += bucketCounts[i].sum();
            out.append("meshless_admission_duration_seconds_bucket{le=\"")
                    .append(number(BUCKETS[i]))
                    .append("\"} ")
                    .append(cumulative)
                    .append('\n');
        }
        long count = latencyCount.sum();
        out.append("meshless_admission_duration_seconds_bucket{le=\"+Inf\"} ")
                .append(count)
                .append('\n');
        out.append("meshless_admission_duration_seconds_sum ")
                .append(number(latencyNanos.sum() / 1e9))
                .append('\n');
        out.append("meshless_admission_duration_seconds_count ").append(count).append('\n');

        writeConnections(out);
        Supplier<ControllerMetrics> source = controller;
        if (source != null) {
            writeController(out, source.get());
        }
        return out.toString();
    }

    private void writeConnections(StringBuilder out) {
        IntSupplier open = openConnections;
        if (open != null) {
            out.append("# HELP meshless_webhook_open_connections Connections open to the webhook server.\n");
            out.append("# TYPE meshless_webhook_open_connections gauge\n");
            out.append("meshless_webhook_open_connections ")
                    .append(open.getAsInt())
                    .append('\n');
        }
        out.append("# HELP meshless_webhook_connections_refused_total Connections closed at once because the"
                + " webhook server had its maximum open.\n");
        out.append("# TYPE meshless_webhook_connections_refused_total counter\n");
        out.append("meshless_webhook_connections_refused_total ")
                .append(connectionsRefused.sum())
                .append('\n');
    }

    private static void writeController(StringBuilder out, ControllerMetrics figures) {
        out.append("# HELP meshless_certificates_issued_total Certificates issued by this replica's controller.\n");
        out.append("# TYPE meshless_certificates_issued_total counter\n");
        out.append("meshless_certificates_issued_total ")
                .append(figures.certificatesIssued())
                .append('\n');
        out.append("# HELP meshless_controller_leader 1 when this replica holds the controller Lease.\n");
        out.append("# TYPE meshless_controller_leader gauge\n");
        out.append("meshless_controller_leader ")
                .append(figures.leader() ? 1 : 0)
                .append('\n');
        if (figures.caExpiresIn().isPresent()) {
            out.append("# HELP meshless_ca_expiry_seconds Seconds until the mesh CA expires (negative: expired).\n");
            out.append("# TYPE meshless_ca_expiry_seconds gauge\n");
            out.append("meshless_ca_expiry_seconds ")
                    .append(figures.caExpiresIn().get().getSeconds())
                    .append('\n');
        }
        out.append("# HELP meshless_secret_expiry_seconds Seconds until a managed workload Secret's certificate"
                + " expires (negative: expired).\n");
        out.append("# TYPE meshless_secret_expiry_seconds gauge\n");
        for (Map.Entry<String, Duration> entry : new TreeMap<>(figures.secretExpiresIn()).entrySet()) {
            String key = entry.getKey();
            int slash = key.indexOf('/');
            String namespace = slash < 0 ? "" : key.substring(0, slash);
            String name = slash < 0 ? key : key.substring(slash + 1);
            out.append("meshless_secret_expiry_seconds{namespace=\"")
                    .append(escape(namespace))
                    .append("\",name=\"")
                    .append(escape(name))
                    .append("\"} ")
                    .append(entry.getValue().getSeconds())
                    .append('\n');
        }
    }

    /** Plain decimal ("0.0005", "10"), never Java's "5.0E-4": stable le labels across exporters. */
    private static String number(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** Label values escape backslash, double quote and newline (text format 0.0.4). */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
