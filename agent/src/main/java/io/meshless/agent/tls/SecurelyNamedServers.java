package io.meshless.agent.tls;

import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server leaf certificates {@link MeshTrustManager} recently authorized by SPIFFE ID: chain
 * verified against the mesh bundle and the ID admitted by {@code allowed-peers}. HTTP libraries
 * that check the host name again after the handshake (OkHttp, Apache HttpClient 5) are let through
 * for these leaves only: the handshake proved the server holds the key, and the agent's policy has
 * already authorized it by identity, so a DNS check against a certificate that names no host must
 * not undo secure naming. Servers trusted through the system CAs, and mesh certificates without a
 * SPIFFE ID, are never recorded and keep their host-name verification.
 *
 * <p>Certificates only, never keys. Bounded, least recently used first out: every library check
 * refreshes its leaf, so the servers a client is talking to stay while rotated-away leaves age out.
 * A leaf that has aged out fails closed (the library refuses again until the next full handshake).
 * Matching is by certificate equality (its encoding), because a resumed session may hold a re-decoded
 * copy of the certificate the handshake saw.
 */
public final class SecurelyNamedServers {

    /**
     * Servers are issued one certificate per service account and rotate every 16 h or so: the
     * distinct peers of one client in a session lifetime fit many times over, at ~1 KB each.
     */
    public static final int DEFAULT_CAPACITY = 128;

    private final Map<X509Certificate, Boolean> leaves;

    public SecurelyNamedServers() {
        this(DEFAULT_CAPACITY);
    }

    public SecurelyNamedServers(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.leaves = new LinkedHashMap<X509Certificate, Boolean>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<X509Certificate, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Called by the trust manager once a server is authorized by SPIFFE ID, on the handshake path. */
    void authorized(X509Certificate leaf) {
        synchronized (leaves) {
            leaves.put(leaf, Boolean.TRUE);
        }
    }

    /**
     * Whether {@code certificate} is a server leaf the agent authorized by SPIFFE ID. Anything else,
     * including null and non-X.509 certificates, is not.
     */
    public boolean includes(Object certificate) {
        if (!(certificate instanceof X509Certificate)) {
            return false;
        }
        synchronized (leaves) {
            return leaves.get(certificate) != null;
        }
    }

    /**
     * After the trust bundle changed: a leaf authorized under the old bundle may chain to a CA that
     * is gone, so none is vouched for until a new handshake authorizes it again.
     */
    public void forgetAll() {
        synchronized (leaves) {
            leaves.clear();
        }
    }

    /** How many leaves are held (for tests and status). */
    public int size() {
        synchronized (leaves) {
            return leaves.size();
        }
    }
}
