package io.meshless.agent.tls;

import io.meshless.agent.config.Mode;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;

/**
 * What a server-mode engine or server socket of a managed context must ask of clients:
 * {@code strict} requires a certificate, {@code permissive} requests one (an application that
 * itself requires one keeps requiring it).
 */
public final class ClientAuthPolicy {
    private final boolean require;

    public ClientAuthPolicy(Mode mode) {
        if (mode == Mode.OFF) {
            throw new IllegalArgumentException("mode=off installs no client-auth policy");
        }
        this.require = mode == Mode.STRICT;
    }

    public boolean requires() {
        return require;
    }

    void apply(SSLEngine engine) {
        if (engine.getUseClientMode()) {
            return;
        }
        if (require) {
            if (!engine.getNeedClientAuth()) {
                engine.setNeedClientAuth(true);
            }
        } else if (!engine.getNeedClientAuth() && !engine.getWantClientAuth()) {
            engine.setWantClientAuth(true);
        }
    }

    void apply(SSLServerSocket socket) {
        if (require) {
            socket.setNeedClientAuth(true);
        } else if (!socket.getNeedClientAuth()) {
            socket.setWantClientAuth(true);
        }
    }
}
