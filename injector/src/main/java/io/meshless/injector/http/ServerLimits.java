package io.meshless.injector.http;

import java.time.Duration;
import java.util.Objects;

/**
 * What one client may hold of the webhook server: a slow or idle client loses its connection at
 * a deadline instead of keeping others from being answered.
 *
 * @param handshake the TLS handshake must finish within this
 * @param header a request's headers must arrive within this, counted from their first byte (or
 *     from the handshake's end on a new connection)
 * @param body the request body must arrive within this after its headers
 * @param idle a keep-alive connection with no request is closed after this; longer than the 90 s
 *     the API server's Go client keeps idle connections, so that the client closes first and never
 *     sends into a connection the server is closing
 * @param maxConnections connections open at once; one more is closed as soon as it is accepted
 */
public record ServerLimits(Duration handshake, Duration header, Duration body, Duration idle, int maxConnections) {
    /** 10 s is the API server's default webhook timeout: a request slower than that is not its. */
    public static final ServerLimits DEFAULT = new ServerLimits(
            Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(120), 1000);

    public ServerLimits {
        positive(handshake, "handshake");
        positive(header, "header");
        positive(body, "body");
        positive(idle, "idle");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, not " + maxConnections);
        }
    }

    public ServerLimits withMaxConnections(int max) {
        return new ServerLimits(handshake, header, body, idle, max);
    }

    private static void positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " deadline must be positive, not " + value);
        }
    }
}
