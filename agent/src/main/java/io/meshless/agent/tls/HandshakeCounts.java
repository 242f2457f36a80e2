package io.meshless.agent.tls;

import java.util.concurrent.atomic.AtomicLong;

/** Peers the agent's trust manager verified and accepted, by side: one increment per full handshake. */
public final class HandshakeCounts {
    private final AtomicLong inbound = new AtomicLong();
    private final AtomicLong outbound = new AtomicLong();

    void accepted(RefusalLog.Side side) {
        (side == RefusalLog.Side.INBOUND ? inbound : outbound).incrementAndGet();
    }

    /** Clients whose certificate chain and allowed-peers check passed. */
    public long inbound() {
        return inbound.get();
    }

    /** Servers whose certificate chain and name (SPIFFE ID or host name) check passed. */
    public long outbound() {
        return outbound.get();
    }
}
