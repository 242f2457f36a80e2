package io.meshless.agent.tls;

import java.util.Objects;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * Audit mode: a client that sends no certificate to a server that only requests one never reaches a trust
 * manager, so the end of each inbound handshake is where strict's "no certificate" refusal is counted.
 */
final class AnonymousClients {
    private final RefusalLog refusals;
    private final HandshakeCompletedListener listener;

    AnonymousClients(RefusalLog refusals) {
        this.refusals = Objects.requireNonNull(refusals);
        this.listener = event -> finished(event.getSession(), RefusalLog.remote(event.getSocket()));
    }

    /** A server-mode socket of a managed context: checked when its handshakes complete. */
    void watch(SSLSocket socket) {
        socket.addHandshakeCompletedListener(listener);
    }

    /** A server-mode engine of a managed context finished a handshake. */
    void finished(SSLEngine engine) {
        if (!engine.getUseClientMode()) {
            finished(engine.getSession(), RefusalLog.remote(engine));
        }
    }

    private void finished(SSLSession session, String remote) {
        try {
            session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            refusals.admitted(
                    RefusalLog.Side.INBOUND,
                    remote,
                    null,
                    RefusalReason.NO_CERTIFICATE,
                    "mode=strict would require a client certificate");
        }
    }
}
