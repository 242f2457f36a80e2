package io.meshless.agent.tls;

import io.meshless.pki.ControlCharacters;
import io.meshless.pki.SpiffeId;
import java.net.InetAddress;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import org.slf4j.LoggerFactory;

/**
 * One WARN line per refused peer and reason, at most once per {@link #WINDOW} per (side, peer,
 * reason), with the number of repeats that were not logged. A peer is named by its SPIFFE ID or
 * subject DN, serial and issuer; never by a certificate body. Text from certificates has its control
 * characters escaped, so a crafted subject cannot forge log lines.
 */
public final class RefusalLog {
    /** How long repeats of one (side, peer, reason) stay quiet after a logged line. */
    public static final Duration WINDOW = Duration.ofMinutes(1);
    /** Keys remembered; beyond it the oldest are forgotten (a flood of distinct peers costs no memory). */
    static final int MAX_KEYS = 1024;
    /** Names a peer that sent no certificate, where others are named by identity, serial and issuer. */
    public static final String NO_CERTIFICATE = "(no certificate)";
    /** Follows the reason in an audit line: the peer was admitted, strict would not have. */
    public static final String STRICT_REFUSES = "which mode=strict refuses";

    /** Which of our ends refused. */
    public enum Side {
        /** A client connecting to a server in this JVM. */
        INBOUND,
        /** A server this JVM called. */
        OUTBOUND;

        @Override
        public String toString() {
            return this == INBOUND ? "inbound" : "outbound";
        }
    }

    private final Clock clock;
    private final Consumer<String> sink;
    private final Map<String, Window> windows = new LinkedHashMap<>();
    private final Map<RefusalReason, AtomicLong> counts = new EnumMap<>(RefusalReason.class);

    public RefusalLog(Clock clock) {
        this(clock, line -> LoggerFactory.getLogger(RefusalLog.class).warn("{}", line));
    }

    /** @param sink receives each line to log (the agent's WARN logger; a list in tests) */
    public RefusalLog(Clock clock, Consumer<String> sink) {
        this.clock = Objects.requireNonNull(clock);
        this.sink = Objects.requireNonNull(sink);
        for (RefusalReason r : RefusalReason.values()) {
            counts.put(r, new AtomicLong());
        }
    }

    /**
     * A refusal.
     *
     * @param remote the peer's address and port, or null when unknown
     * @param leaf   the peer's leaf certificate, or null when it sent none
     * @param detail what the check said, or null
     */
    public void refused(Side side, String remote, X509Certificate leaf, RefusalReason reason, String detail) {
        record(side, remote, leaf, reason, detail, false);
    }

    /**
     * Audit mode: a peer strict would have refused, admitted. Counted with the refusals, and its line says
     * "admitted (audit)".
     */
    public void admitted(Side side, String remote, X509Certificate leaf, RefusalReason reason, String detail) {
        record(side, remote, leaf, reason, detail, true);
    }

    private void record(
            Side side, String remote, X509Certificate leaf, RefusalReason reason, String detail, boolean admitted) {
        counts.get(reason).incrementAndGet();
        String identity = leaf == null ? null : identity(leaf);
        String issuer = leaf == null ? null : leaf.getIssuerX500Principal().getName();
        // Without a certificate the peer is known only by its address; its port changes per connection.
        String key = side + "|" + reason + "|" + admitted + "|"
                + (leaf == null ? hostOf(remote) : identity + "|" + issuer + "|" + leaf.getSerialNumber());
        long suppressed;
        Instant now = clock.instant();
        synchronized (windows) {
            Window w = windows.get(key);
            if (w != null && now.isBefore(w.opened.plus(WINDOW))) {
                w.suppressed++;
                return;
            }
            suppressed = w == null ? 0 : w.suppressed;
            windows.remove(key);
            windows.put(key, new Window(now));
            trim(now);
        }
        StringBuilder line = new StringBuilder(admitted ? admittedPeer(side) : refusedPeer(side)).append(' ');
        if (leaf == null) {
            line.append(NO_CERTIFICATE);
        } else {
            line.append(ControlCharacters.escape(identity))
                    .append(" (serial ")
                    .append(leaf.getSerialNumber().toString(16))
                    .append(", issuer ")
                    .append(ControlCharacters.escape(issuer))
                    .append(')');
        }
        line.append(" from ").append(remote == null ? "an unknown address" : remote);
        line.append(": ").append(reason.text());
        if (admitted) {
            line.append(", ").append(STRICT_REFUSES);
        }
        if (detail != null && !detail.isEmpty()) {
            line.append(" (").append(ControlCharacters.escape(shorten(detail))).append(')');
        }
        if (suppressed > 0) {
            line.append("; ")
                    .append(suppressed)
                    .append(" more like it were not logged in the ")
                    .append(WINDOW.toMinutes())
                    .append(" minute(s) before");
        }
        sink.accept(line.toString());
    }

    /** How a refusal line starts, before the peer: {@code refused inbound peer}. */
    public static String refusedPeer(Side side) {
        return "refused " + side + " peer";
    }

    /** How an audit line starts, before the peer: {@code admitted (audit) inbound peer}. */
    public static String admittedPeer(Side side) {
        return "admitted (audit) " + side + " peer";
    }

    /** Refusals so far, by reason (logged or not). */
    public Map<RefusalReason, Long> counts() {
        Map<RefusalReason, Long> copy = new EnumMap<>(RefusalReason.class);
        for (Map.Entry<RefusalReason, AtomicLong> e : counts.entrySet()) {
            copy.put(e.getKey(), e.getValue().get());
        }
        return copy;
    }

    /** The SPIFFE ID, else the subject DN (RFC 4514, the form a {@code dn:} entry of allowed-peers takes). */
    static String identity(X509Certificate leaf) {
        return SpiffeId.fromCertificate(leaf).map(SpiffeId::toString).orElseGet(() -> {
            String dn = leaf.getSubjectX500Principal().getName();
            return dn.isEmpty() ? "(empty subject)" : dn;
        });
    }

    /** "host:port" of a connected socket, else null. */
    public static String remote(Socket socket) {
        if (socket == null) {
            return null;
        }
        InetAddress address = socket.getInetAddress();
        return address == null ? null : hostPort(address.getHostAddress(), socket.getPort());
    }

    /** "host:port" as the engine was created with, else null. */
    public static String remote(SSLEngine engine) {
        if (engine == null || engine.getPeerHost() == null) {
            return null;
        }
        return hostPort(engine.getPeerHost(), engine.getPeerPort());
    }

    static String hostPort(String host, int port) {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port > 0 ? h + ":" + port : h;
    }

    private static String hostOf(String remote) {
        if (remote == null) {
            return "?";
        }
        int colon = remote.lastIndexOf(':');
        return colon > 0 && remote.indexOf(']') < colon ? remote.substring(0, colon) : remote;
    }

    private static String shorten(String detail) {
        return detail.length() <= 400 ? detail : detail.substring(0, 400) + "...";
    }

    /** Forgets expired windows, then the oldest, beyond {@link #MAX_KEYS}. Caller holds the lock. */
    private void trim(Instant now) {
        if (windows.size() <= MAX_KEYS) {
            return;
        }
        for (Iterator<Window> it = windows.values().iterator(); it.hasNext(); ) {
            Window w = it.next();
            if (!now.isBefore(w.opened.plus(WINDOW)) || windows.size() > MAX_KEYS) {
                it.remove();
            }
            if (windows.size() <= MAX_KEYS / 2) {
                return;
            }
        }
    }

    private static final class Window {
        final Instant opened;
        long suppressed;

        Window(Instant opened) {
            this.opened = opened;
        }
    }
}
