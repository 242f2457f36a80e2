package io.meshless.agent.tls;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * The server sockets of managed contexts, the sockets they accept, and server-mode sockets layered over
 * plain ones keep the {@link ClientAuthPolicy} whatever the application sets on them later
 * ({@code setNeedClientAuth(false)}, {@code setSSLParameters} without need, ...), as
 * {@link ClientAuthEnforcingEngine} does for engines. The bytecode hooks on the
 * JDK's socket classes report every such call here; sockets are held weakly.
 */
public final class ClientAuthSockets {
    private final ClientAuthPolicy policy;
    private final Map<Object, Boolean> enforced = Collections.synchronizedMap(new WeakHashMap<>());
    private final ClientAuthOverrides overrides;

    ClientAuthSockets(ClientAuthPolicy policy, ClientAuthOverrides overrides) {
        this.policy = policy;
        this.overrides = overrides;
    }

    /** A new server socket of a managed context: from now on it keeps the policy. */
    void enroll(SSLServerSocket socket) {
        enforced.put(socket, Boolean.TRUE);
        policy.apply(socket);
    }

    /**
     * A server-mode socket layered over an accepted plain socket
     * ({@code SSLSocketFactory.createSocket(Socket, InputStream, boolean)}) of a managed context.
     */
    void enroll(SSLSocket socket) {
        enforced.put(socket, Boolean.TRUE);
        policy.apply(socket);
        audit(socket);
    }

    /** {@code SSLServerSocketImpl.accept}: a socket accepted by an enrolled server socket keeps the policy too. */
    public void onAccepted(Object server, Object accepted) {
        if (accepted != null && enforced.containsKey(server)) {
            enforced.put(accepted, Boolean.TRUE);
            if (accepted instanceof SSLSocket) {
                audit((SSLSocket) accepted);
            }
        }
    }

    private void audit(SSLSocket socket) {
        AnonymousClients anonymous = policy.anonymousClients();
        if (anonymous != null) {
            anonymous.watch(socket);
        }
    }

    /** Whether the socket belongs to a managed server (it keeps the policy). */
    boolean isEnforced(Object socket) {
        return enforced.containsKey(socket);
    }

    /** After a setter that can change client authentication, on any JDK TLS socket. */
    public void onClientAuthSet(Object socket, String method) {
        if (!enforced.containsKey(socket)) {
            return;
        }
        boolean raised = socket instanceof SSLServerSocket
                ? policy.apply((SSLServerSocket) socket)
                : socket instanceof SSLSocket && policy.apply((SSLSocket) socket);
        if (raised) {
            overrides.overrode(
                    socket instanceof SSLServerSocket ? "an SSLServerSocket" : "a server-mode SSLSocket", method);
        }
    }
}
