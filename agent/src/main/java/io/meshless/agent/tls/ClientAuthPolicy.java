package io.meshless.agent.tls;

import io.meshless.agent.config.Mode;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * What a server-mode engine, server socket or accepted socket of a managed context must ask of clients:
 * {@code strict} requires a certificate, {@code permissive} requests one (an application that itself
 * requires one keeps requiring it), {@code audit} requests one and reports each client that sent none
 * as strict would have refused it. The one place that decides; engines and sockets only re-apply it.
 */
public final class ClientAuthPolicy {
    private final boolean require;
    private final AnonymousClients anonymous;

    public ClientAuthPolicy(Mode mode) {
        this(mode, null);
    }

    /** @param refusals where audit mode counts a client that sent no certificate; null outside audit mode */
    public ClientAuthPolicy(Mode mode, RefusalLog refusals) {
        if (mode == Mode.OFF) {
            throw new IllegalArgumentException("mode=off installs no client-auth policy");
        }
        this.require = mode == Mode.STRICT;
        this.anonymous = mode == Mode.AUDIT && refusals != null ? new AnonymousClients(refusals) : null;
    }

    /** Audit mode: after each inbound handshake of a managed server, whether the client sent a certificate. */
    AnonymousClients anonymousClients() {
        return anonymous;
    }

    public boolean requires() {
        return require;
    }

    /** For log lines: what the mode demands. */
    String demand() {
        if (require) {
            return "mode=strict requires a client certificate";
        }
        return anonymous != null
                ? "mode=audit requests a client certificate"
                : "mode=permissive requests a client certificate";
    }

    /** @return true when the engine asked less than the mode demands and was raised */
    boolean apply(SSLEngine engine) {
        return !engine.getUseClientMode()
                && raise(
                        engine.getNeedClientAuth(),
                        engine.getWantClientAuth(),
                        engine::setNeedClientAuth,
                        engine::setWantClientAuth);
    }

    /** @return true when the server socket asked less than the mode demands and was raised */
    boolean apply(SSLServerSocket socket) {
        return !socket.getUseClientMode()
                && raise(
                        socket.getNeedClientAuth(),
                        socket.getWantClientAuth(),
                        socket::setNeedClientAuth,
                        socket::setWantClientAuth);
    }

    /** @return true when the socket asked less than the mode demands and was raised */
    boolean apply(SSLSocket socket) {
        return !socket.getUseClientMode()
                && raise(
                        socket.getNeedClientAuth(),
                        socket.getWantClientAuth(),
                        socket::setNeedClientAuth,
                        socket::setWantClientAuth);
    }

    private boolean raise(boolean need, boolean want, Consumer<Boolean> setNeed, Consumer<Boolean> setWant) {
        if (need || !require && want) {
            return false;
        }
        if (require) {
            setNeed.accept(true);
        } else {
            setWant.accept(true);
        }
        return true;
    }
}
