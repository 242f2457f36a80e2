package io.meshless.benchmarks.process;

import io.meshless.commandline.Arguments;
import io.meshless.commandline.Options;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A slow-loris neighbour: {@code --connections} TLS connections that each send one byte of an endless
 * request header per second, as a hostile client that can reach the webhook port would. A connection
 * the server closes (a read deadline) is opened again at the next tick, so the server faces that many
 * slow connections for as long as this runs. Loopback only; every connect and handshake is bounded by
 * a 2 s timeout.
 *
 * <p>It runs as a process of its own ({@link #launch}), as the neighbour is another pod: its garbage
 * collections and its threads are not the measuring client's. Every 100 ms it prints
 * {@code open=… opened=… open_failed=… closed_by_server=…}; it exits when its standard input closes,
 * so it never outlives the benchmark that started it.
 */
final class SlowClients {
    private static final byte[] HEADER = ("POST /mutate HTTP/1.1\r\nHost: webhook\r\nContent-Type: application/json\r\n"
                    + "X-Slow: ")
            .getBytes(StandardCharsets.US_ASCII);

    private static final Options OPTIONS = new Options()
            .value("--url", "URL", "the webhook")
            .value("--ca", "FILE", "PEM CA that signed the webhook's certificate")
            .value("--connections", "N", "slow connections to hold (default 500)");

    private final SSLContext tls;
    private final URI uri;
    private final AtomicReferenceArray<Slot> slots;
    private final ScheduledExecutorService ticker =
            Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "slow-clients-tick"));
    private final ExecutorService connector = Executors.newFixedThreadPool(16, r -> daemon(r, "slow-clients-open"));
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong failedOpens = new AtomicLong();
    private final AtomicLong closedByServer = new AtomicLong();

    private SlowClients(SSLContext tls, URI uri, int count) {
        this.tls = tls;
        this.uri = uri;
        this.slots = new AtomicReferenceArray<>(count);
    }

    public static void main(String[] argv) throws Exception {
        Arguments args = OPTIONS.parse(List.of(argv));
        URI uri = URI.create(args.required("--url"));
        Path ca = args.requiredPath("--ca");
        int count = args.count("--connections", Integer.MAX_VALUE, 500);
        SlowClients slow = new SlowClients(WebhookLoad.trusting(ca), uri, count);
        Thread parent = daemon(SlowClients::untilStdinCloses, "slow-clients-stdin");
        parent.start();
        slow.start();
        while (parent.isAlive()) {
            System.out.printf(
                    Locale.ROOT,
                    "open=%d opened=%d open_failed=%d closed_by_server=%d%n",
                    slow.open(),
                    slow.opened.get(),
                    slow.failedOpens.get(),
                    slow.closedByServer.get());
            System.out.flush();
            Thread.sleep(100);
        }
        System.exit(0);
    }

    private static void untilStdinCloses() {
        try {
            InputStream in = System.in;
            while (in.read() >= 0) {
                // nothing is sent: end of input is the signal
            }
        } catch (IOException ignored) {
            // the parent is gone either way
        }
    }

    /**
     * Starts {@code count} slow connections in a JVM of its own (this JVM's {@code java} and class
     * path), under {@code nice -n niceness} when that is not 0.
     */
    static Neighbour launch(URI uri, Path ca, int count, int niceness) throws IOException {
        List<String> command = new ArrayList<>();
        if (niceness != 0) {
            command.addAll(List.of("nice", "-n", Integer.toString(niceness)));
        }
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SlowClients.class.getName(),
                "--url",
                uri.toString(),
                "--ca",
                ca.toString(),
                "--connections",
                Integer.toString(count)));
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        return new Neighbour(process);
    }

    /** A running {@link SlowClients} process and its latest counts. */
    static final class Neighbour implements AutoCloseable {
        private final Process process;
        private final AtomicReference<String> latest = new AtomicReference<>("");

        private Neighbour(Process process) {
            this.process = process;
            Thread reader = daemon(this::readCounts, "slow-clients-counts");
            reader.start();
        }

        private void readCounts() {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    latest.set(line);
                }
            } catch (IOException ignored) {
                // the process ended: the last counts stay
            }
        }

        /** Connections open right now (as of the last count, at most 100 ms old). */
        long open() {
            return count("open");
        }

        long count(String name) {
            for (String field : latest.get().split(" ")) {
                if (field.startsWith(name + "=")) {
                    return Long.parseLong(field.substring(name.length() + 1));
                }
            }
            return 0;
        }

        boolean alive() {
            return process.isAlive();
        }

        @Override
        public void close() {
            try {
                process.getOutputStream().close();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (IOException | InterruptedException e) {
                process.destroyForcibly();
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Opens every connection (bounded: 2 s per connect and handshake), then sends a byte per second. */
    private void start() {
        for (int i = 0; i < slots.length(); i++) {
            int slot = i;
            connector.execute(() -> open(slot));
        }
        ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    /** Connections open right now. */
    private int open() {
        int open = 0;
        for (int i = 0; i < slots.length(); i++) {
            Slot s = slots.get(i);
            if (s != null && s != Slot.OPENING) {
                open++;
            }
        }
        return open;
    }

    private void tick() {
        for (int i = 0; i < slots.length(); i++) {
            Slot s = slots.get(i);
            if (s == null) {
                if (slots.compareAndSet(i, null, Slot.OPENING)) {
                    int slot = i;
                    connector.execute(() -> open(slot));
                }
            } else if (s != Slot.OPENING && !s.sendOneByte()) {
                closedByServer.incrementAndGet();
                s.close();
                slots.compareAndSet(i, s, null);
            }
        }
    }

    private void open(int slot) {
        slots.compareAndSet(slot, null, Slot.OPENING);
        try {
            SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket();
            try {
                socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 2_000);
                socket.setSoTimeout(2_000);
                socket.startHandshake();
            } catch (IOException e) {
                socket.close();
                throw e;
            }
            opened.incrementAndGet();
            slots.set(slot, new Slot(socket));
        } catch (IOException | RuntimeException e) {
            failedOpens.incrementAndGet();
            slots.set(slot, null);
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** One slow connection and how far into its endless header it got. */
    private static final class Slot {
        static final Slot OPENING = new Slot(null);
        private final SSLSocket socket;
        private final AtomicBoolean closed = new AtomicBoolean();
        private long sent;

        Slot(SSLSocket socket) {
            this.socket = socket;
        }

        /** False when the server closed the connection. */
        boolean sendOneByte() {
            try {
                OutputStream out = socket.getOutputStream();
                // The request line and a header, then a header value that never ends.
                out.write(sent < HEADER.length ? HEADER[(int) sent] : 'a');
                out.flush();
                sent++;
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        void close() {
            if (socket != null && closed.compareAndSet(false, true)) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a connection the benchmark is done with: nothing to report
                }
            }
        }
    }
}
