package io.meshless.agent.tls;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.slf4j.LoggerFactory;

/**
 * The server sockets of managed contexts, and the sockets they accept, keep the {@link ClientAuthPolicy}
 * whatever the application sets on them later ({@code setNeedClientAuth(false)}, {@code setSSLParameters}
 * without need, ...), as {@link ClientAuthEnforcingEngine} does for engines. The bytecode hooks on the
 * JDK's socket classes report every such call here; sockets are held weakly.
 */
public final class ClientAuthSockets {
    /** Distinct call sites reported; an application has few, this only bounds a pathological one. */
    private static final int CALL_SITES_REPORTED = 256;

    private final ClientAuthPolicy policy;
    private final Map<Object, Boolean> enforced = Collections.synchronizedMap(new WeakHashMap<>());
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    ClientAuthSockets(ClientAuthPolicy policy) {
        this.policy = policy;
    }

    /** A new server socket of a managed context: from now on it keeps the policy. */
    void enroll(SSLServerSocket socket) {
        enforced.put(socket, Boolean.TRUE);
        policy.apply(socket);
    }

    /** {@code SSLServerSocketImpl.accept}: a socket accepted by an enrolled server socket keeps the policy too. */
    public void onAccepted(Object server, Object accepted) {
        if (accepted != null && enforced.containsKey(server)) {
            enforced.put(accepted, Boolean.TRUE);
        }
    }

    /** After a setter that can change client authentication, on any JDK TLS socket. */
    public void onClientAuthSet(Object socket, String method) {
        if (!enforced.containsKey(socket)) {
            return;
        }
        boolean raised = socket instanceof SSLServerSocket ? policy.apply((SSLServerSocket) socket)
                : socket instanceof SSLSocket && policy.apply((SSLSocket) socket);
        if (raised) {
            report(socket instanceof SSLServerSocket ? "SSLServerSocket" : "accepted SSLSocket", method);
        }
    }

    /** Once per call site: a server that lowers client auth on every connection must not log per connection. */
    private void report(String what, String method) {
        String site = CallSite.ofApplication();
        if (reported.size() < CALL_SITES_REPORTED && reported.add(method + " " + site)) {
            LoggerFactory.getLogger(ClientAuthSockets.class).warn(
                    "kept client authentication on an {} after {} from {}: {} (further calls from there are not logged)",
                    what, method, site, policy.demand());
        }
    }
}
