package io.meshless.benchmarks.process;

import io.meshless.commandline.Arguments;
import io.meshless.commandline.Options;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Sequential GETs over one keep-alive connection (closed loop): per-request latency, throughput
 * and the CPU the whole path spent per request (this JVM plus the processes named in --pids,
 * e.g. nginx and the two proxies). `--scheme https` uses the JVM's default SSLSocketFactory, so
 * with `-javaagent` it is the agent's mTLS.
 *
 * <p>Prints one line: {@code p50_us=… p99_us=… rps=… cpu_us_per_req=… requests=… failed=…}.
 */
public final class KeepAliveLoad {
    private static final Options OPTIONS = new Options()
            .value("--scheme", "http|https", "default http")
            .value("--host", "HOST", "server (default 127.0.0.1)")
            .value("--port", "N", "server port")
            .value("--warmup-seconds", "S", "requests before measuring (default 2)")
            .value("--seconds", "S", "measured time (default 5)")
            .value("--max-requests", "N", "stop after this many (default 2000000)")
            .value("--pids", "PID,...", "processes whose CPU time is reported");

    private KeepAliveLoad() {}

    public static void main(String[] argv) throws Exception {
        Arguments args = OPTIONS.parse(List.of(argv));
        String scheme = args.value("--scheme", "http");
        String host = args.value("--host", "127.0.0.1");
        int port = args.requiredPort("--port");
        double warmup = args.seconds("--warmup-seconds", Duration.ofSeconds(2)).toNanos() / 1e9;
        double seconds = args.seconds("--seconds", Duration.ofSeconds(5)).toNanos() / 1e9;
        int maxRequests = args.count("--max-requests", Integer.MAX_VALUE, 2_000_000);
        ProcessCpu cpu = new ProcessCpu(args.value("--pids", ""));

        MiniHttp http = connect(scheme, host, port);
        int failed = 0;
        try {
            long warmupEnd = System.nanoTime() + (long) (warmup * 1e9);
            while (System.nanoTime() < warmupEnd) {
                if (http.get() != 200) {
                    failed++;
                }
            }
            Stats latency = new Stats();
            double cpuBefore = cpu.cpuSeconds();
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long now = start;
            while (now < end && latency.count() < maxRequests) {
                long t0 = System.nanoTime();
                int code = http.get();
                now = System.nanoTime();
                if (code == 200) {
                    latency.add(now - t0);
                } else {
                    failed++;
                }
            }
            double cpuUsed = cpu.cpuSeconds() - cpuBefore;
            double elapsed = (now - start) / 1e9;
            int n = latency.count();
            System.out.printf(
                    Locale.ROOT,
                    "p50_us=%.1f p99_us=%.1f rps=%.0f cpu_us_per_req=%.1f requests=%d failed=%d%n",
                    latency.percentileMicros(50),
                    latency.percentileMicros(99),
                    n / elapsed,
                    n == 0 ? Double.NaN : cpuUsed * 1e6 / n,
                    n,
                    failed);
        } finally {
            http.close();
        }
    }

    private static MiniHttp connect(String scheme, String host, int port) throws Exception {
        if ("http".equals(scheme)) {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), 5000);
            s.setSoTimeout(10_000);
            return new MiniHttp(s, host, "/", true);
        }
        if (!"https".equals(scheme)) {
            throw new IllegalArgumentException("--scheme must be http or https, got " + scheme);
        }
        SSLSocket s = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(host, port), 5000);
        s.setSoTimeout(10_000);
        SSLParameters params = s.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(params);
        s.startHandshake();
        return new MiniHttp(s, host, "/", true);
    }
}
