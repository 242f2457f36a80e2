package io.meshless.benchmarks.process;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A slow-loris neighbour: {@code count} TLS connections that each send one byte of an endless
 * request header per second, as a hostile client that can reach the webhook port would. A
 * connection the server closes (a read deadline) is opened again at the next tick, so the server
 * faces {@code count} slow connections for as long as this runs. Loopback only; it stops at
 * {@link #close()}, and every connect and handshake is bounded by a 2 s timeout.
 */
final class SlowClients implements AutoCloseable {
    private static final byte[] HEADER = ("POST /mutate HTTP/1.1\r\nHost: webhook\r\nContent-Type: application/json\r\n"
                    + "X-Slow: ")
            .getBytes(StandardCharsets.US_ASCII);

    private final SSLContext tls;
    private final URI uri;
    private final AtomicReferenceArray<Slot> slots;
    private final ScheduledExecutorService ticker =
            Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "slow-clients-tick"));
    private final ExecutorService connector = Executors.newFixedThreadPool(16, r -> daemon(r, "slow-clients-open"));
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong failedOpens = new AtomicLong();
    private final AtomicLong closedByServer = new AtomicLong();

    SlowClients(SSLContext tls, URI uri, int count) {
        this.tls = tls;
        this.uri = uri;
        this.slots = new AtomicReferenceArray<>(count);
    }

    /** Opens every connection (bounded: 2 s per connect and handshake), then sends a byte per second. */
    void start() throws InterruptedException {
        for (int i = 0; i < slots.length(); i++) {
            int slot = i;
            connector.execute(() -> open(slot));
        }
        ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    /** Connections open right now. */
    int open() {
        int open = 0;
        for (int i = 0; i < slots.length(); i++) {
            Slot s = slots.get(i);
            if (s != null && s != Slot.OPENING) {
                open++;
            }
        }
        return open;
    }

    long opened() {
        return opened.get();
    }

    long failedOpens() {
        return failedOpens.get();
    }

    long closedByServer() {
        return closedByServer.get();
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

    @Override
    public void close() {
        ticker.shutdownNow();
        connector.shutdownNow();
        try {
            ticker.awaitTermination(5, TimeUnit.SECONDS);
            connector.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (int i = 0; i < slots.length(); i++) {
            Slot s = slots.getAndSet(i, null);
            if (s != null) {
                s.close();
            }
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
