package io.meshless.benchmarks.process;

import io.meshless.commandline.Arguments;
import io.meshless.commandline.Options;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Rotates the certificate of a server running under the agent and watches from outside:
 * kubelet-style swaps of the server's Secret volume (`--staged DIR` holds 01, 02, … each with
 * tls.crt, tls.key, ca.crt), then new handshakes until the server presents the new serial.
 * Meanwhile load threads make requests on new connections and count every failure; they start
 * --warmup-seconds (default 3) before the first swap.
 *
 * <p>Prints one line: {@code pickup_p50_ms=… pickup_max_ms=… swaps=… missed=… requests=… failed=…}.
 */
public final class RotationProbe {
    private static final Options OPTIONS = new Options()
            .value("--host", "HOST", "server (default 127.0.0.1)")
            .value("--port", "N", "server TLS port")
            .value("--volume", "DIR", "the server's kubelet-style certificate volume")
            .value("--staged", "DIR", "certificate sets to publish, one directory each")
            .value("--swaps", "N", "rotations (default 20)")
            .value("--load-threads", "N", "client threads (default 1)")
            .value("--timeout-seconds", "S", "wait for a rotation to be served (default 10)")
            .value("--gap-ms", "N", "pause between rotations (default 200)")
            .value("--warmup-seconds", "S", "load before the first swap (default 3)")
            .value("--password", "P", "keystore password (default changeit)")
            .value("--keystore", "FILE", "client PKCS#12 keystore")
            .value("--truststore", "FILE", "PKCS#12 trust store");

    private RotationProbe() {}

    public static void main(String[] argv) throws Exception {
        Arguments args = OPTIONS.parse(List.of(argv));
        String host = args.value("--host", "127.0.0.1");
        int port = args.requiredPort("--port");
        Path volume = args.requiredPath("--volume");
        Path staged = args.requiredPath("--staged");
        int swaps = args.count("--swaps", Integer.MAX_VALUE, 20);
        int loadThreads = args.count("--load-threads", Integer.MAX_VALUE, 1);
        double timeoutSeconds =
                args.seconds("--timeout-seconds", Duration.ofSeconds(10)).toNanos() / 1e9;
        long gapMillis = args.number("--gap-ms", 0, Integer.MAX_VALUE, 200);
        double warmupSeconds =
                args.seconds("--warmup-seconds", Duration.ofSeconds(3)).toNanos() / 1e9;
        char[] password = args.value("--password", "changeit").toCharArray();
        SSLSocketFactory factory = clientContext(
                        args.requiredPath("--keystore"), args.requiredPath("--truststore"), password)
                .getSocketFactory();

        KubeletVolume kubelet = new KubeletVolume(volume);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        List<Thread> load = new ArrayList<>();
        for (int i = 0; i < loadThreads; i++) {
            Thread t = new Thread(
                    () -> {
                        while (running.get()) {
                            try {
                                request(factory, host, port);
                                ok.incrementAndGet();
                            } catch (IOException | RuntimeException e) {
                                failed.incrementAndGet();
                                firstFailure.compareAndSet(null, e.toString());
                            }
                        }
                    },
                    "load-" + i);
            t.setDaemon(true);
            t.start();
            load.add(t);
        }

        Stats pickup = new Stats();
        int missed = 0;
        try {
            // A server rotates after hours of serving, not in its first second: let both JVMs compile
            // the handshake path under load first, so the first swap is not timed against the JIT.
            Thread.sleep((long) (warmupSeconds * 1000));
            for (int i = 1; i <= swaps; i++) {
                Path source = staged.resolve(String.format(Locale.ROOT, "%02d", i));
                BigInteger expected = leafSerial(source.resolve("tls.crt"));
                long t0 = System.nanoTime();
                java.time.Instant published = java.time.Instant.now();
                kubelet.publish(source);
                long deadline = t0 + (long) (timeoutSeconds * 1e9);
                boolean seen = false;
                while (System.nanoTime() < deadline) {
                    try {
                        if (expected.equals(request(factory, host, port))) {
                            long took = System.nanoTime() - t0;
                            pickup.add(took);
                            // Per swap, with wall-clock time to line up with the server's log.
                            System.err.printf(
                                    Locale.ROOT,
                                    "swap %d published %s, new serial seen after %.1f ms%n",
                                    i,
                                    published,
                                    took / 1e6);
                            seen = true;
                            break;
                        }
                    } catch (IOException | RuntimeException e) {
                        // the load threads count failures; the probe only watches for the new serial
                    }
                }
                if (!seen) {
                    missed++;
                }
                Thread.sleep(gapMillis);
            }
        } finally {
            running.set(false);
            for (Thread t : load) {
                t.join(5000);
            }
        }
        if (firstFailure.get() != null) {
            System.err.println("first failed request: " + firstFailure.get());
        }
        System.out.printf(
                Locale.ROOT,
                "pickup_p50_ms=%.1f pickup_max_ms=%.1f swaps=%d missed=%d requests=%d failed=%d%n",
                pickup.percentileMicros(50) / 1000,
                pickup.percentileMicros(100) / 1000,
                swaps,
                missed,
                ok.get() + failed.get(),
                failed.get());
    }

    /** One new connection, full handshake, one GET; returns the serial the server presented. */
    private static BigInteger request(SSLSocketFactory factory, String host, int port) throws IOException {
        SSLSocket socket = (SSLSocket) factory.createSocket();
        socket.setTcpNoDelay(true);
        try {
            socket.connect(new InetSocketAddress(host, port), 5000);
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            X509Certificate leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            int code = new MiniHttp(socket, host, "/", false).get();
            // Never resume: a resumed session would show the old certificate.
            socket.getSession().invalidate();
            if (code != 200) {
                throw new IOException("HTTP " + code);
            }
            return leaf.getSerialNumber();
        } finally {
            socket.close();
        }
    }

    private static BigInteger leafSerial(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in))
                    .getSerialNumber();
        }
    }

    private static SSLContext clientContext(Path keystore, Path truststore, char[] password) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, password);
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(truststore)) {
            trust.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }
}
