package io.meshless.agent.tls;

import io.meshless.agent.bridge.MeshlessBridge;
import io.meshless.agent.observe.UncoveredContexts;
import io.meshless.pki.reload.CredentialSource;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.LoggerFactory;

/**
 * The SSL contexts that use the agent's key or trust manager ("managed"), held weakly so the
 * agent never keeps an application's context alive. The instrumentation calls in here.
 */
public final class ManagedContexts {
    private final X509ExtendedKeyManager keyManager;
    private final X509ExtendedTrustManager trustManager;
    private final ClientAuthPolicy clientAuth;
    private final ClientAuthOverrides overrides;
    private final ClientAuthSockets sockets;
    private final MountedMaterialAdoption adoption;
    private final UncoveredContexts uncovered = new UncoveredContexts(
            line -> LoggerFactory.getLogger(UncoveredContexts.class).info("{}", line));
    private final Map<SSLContext, Boolean> contexts = Collections.synchronizedMap(new WeakHashMap<>());
    /**
     * The {@code SSLContextSpi}s behind managed contexts: a JDK socket knows only its implementation,
     * not the {@code SSLContext} facade it was made through.
     */
    private final Map<Object, Boolean> implementations = Collections.synchronizedMap(new WeakHashMap<>());
    /** The JDK engines behind the {@link ClientAuthEnforcingEngine}s handed out, as the JDK reports them. */
    private final Map<Object, Boolean> engines = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * Leaf certificates the agent presented before a rotation. Bounded: sessions time out within a day
     * (the JDK default) and rotations are hours apart, so the newest few cover every live session.
     */
    private volatile Set<X509Certificate> retired = Collections.emptySet();

    private static final int RETIRED_KEPT = 64;

    /** Without a credential source: nothing the application builds itself is adopted. */
    public ManagedContexts(
            X509ExtendedKeyManager keyManager, X509ExtendedTrustManager trustManager, ClientAuthPolicy clientAuth) {
        this(Optional::empty, keyManager, trustManager, clientAuth);
    }

    /**
     * @param source the current workload credentials, which the application's own key and trust managers are
     *     compared with ({@link MountedMaterialAdoption})
     */
    public ManagedContexts(
            CredentialSource source,
            X509ExtendedKeyManager keyManager,
            X509ExtendedTrustManager trustManager,
            ClientAuthPolicy clientAuth) {
        this(source, keyManager, trustManager, clientAuth, new ClientAuthOverrides(clientAuth));
    }

    ManagedContexts(
            CredentialSource source,
            X509ExtendedKeyManager keyManager,
            X509ExtendedTrustManager trustManager,
            ClientAuthPolicy clientAuth,
            ClientAuthOverrides overrides) {
        this.keyManager = Objects.requireNonNull(keyManager);
        this.trustManager = Objects.requireNonNull(trustManager);
        this.clientAuth = Objects.requireNonNull(clientAuth);
        this.overrides = Objects.requireNonNull(overrides);
        this.sockets = new ClientAuthSockets(clientAuth, overrides);
        this.adoption = new MountedMaterialAdoption(source, () -> retired, keyManager, trustManager);
    }

    public X509ExtendedKeyManager keyManager() {
        return keyManager;
    }

    public X509ExtendedTrustManager trustManager() {
        return trustManager;
    }

    /** The application's own contexts left alone, by call site. */
    public UncoveredContexts uncovered() {
        return uncovered;
    }

    /** What the mode asks of clients, for servers other hooks manage. */
    public ClientAuthPolicy clientAuth() {
        return clientAuth;
    }

    /** What decides whether managers an application built itself are the mounted material; for other hooks. */
    public MountedMaterialAdoption adoption() {
        return adoption;
    }

    /**
     * {@code SSLContext.init}: null or empty key managers become the agent's key manager, null trust
     * managers the agent's trust manager, and the application's own managers that hold the mounted
     * material are adopted ({@link MountedMaterialAdoption}); a context that ends up with the agent's key
     * or trust manager is managed, and so is its implementation ({@code SSLContextSpi}, null when
     * unknown), for the sockets that know only that.
     *
     * @return the key and trust managers to initialize the context with
     */
    public MeshlessBridge.Managers onInit(
            SSLContext context, Object implementation, KeyManager[] keyManagers, TrustManager[] trustManagers) {
        boolean ownKeys = keyManagers != null && keyManagers.length > 0;
        boolean ownTrust = trustManagers != null;
        KeyManager[] km = ownKeys ? keyManagers : new KeyManager[] {keyManager};
        TrustManager[] tm = ownTrust ? trustManagers : new TrustManager[] {trustManager};
        if (ownKeys || ownTrust) {
            MountedMaterialAdoption.Adoption adopted = adoption.adopt(
                    ownKeys ? km : null,
                    ownTrust ? tm : null,
                    () -> "SSLContext.init from " + CallSite.ofApplication());
            if (adopted.adoptedAny()) {
                km = ownKeys ? adopted.keyManagers() : km;
                tm = ownTrust ? adopted.trustManagers() : tm;
            }
            if (!adopted.leftAlone().isEmpty()) {
                uncovered.leftAlone(CallSite.ofApplication(), String.join("; ", adopted.leftAlone()));
            }
        }
        if (contains(km, keyManager) || containsMeshAliases(km) || contains(tm, trustManager)) {
            contexts.put(context, Boolean.TRUE);
            if (implementation != null) {
                implementations.put(implementation, Boolean.TRUE);
            }
        }
        return new MeshlessBridge.Managers(km, tm);
    }

    /** An application's key manager whose workload-key aliases the agent answers (beside keys of its own). */
    private static boolean containsMeshAliases(KeyManager[] array) {
        for (KeyManager manager : array) {
            if (manager instanceof MeshAliasKeyManager) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(Object[] array, Object element) {
        for (Object o : array) {
            if (o == element) {
                return true;
            }
        }
        return false;
    }

    public void add(SSLContext context) {
        contexts.put(context, Boolean.TRUE);
    }

    public boolean isManaged(SSLContext context) {
        return contexts.containsKey(context);
    }

    /** Server-mode engines of managed contexts keep the mode's client-auth demand. */
    public SSLEngine onEngineCreated(SSLContext context, SSLEngine engine) {
        if (engine == null || engine instanceof ClientAuthEnforcingEngine || !isManaged(context)) {
            return engine;
        }
        engines.put(engine, Boolean.TRUE);
        return new ClientAuthEnforcingEngine(engine, clientAuth, overrides);
    }

    /**
     * Whether {@code transport} (the JDK's socket or engine behind a failed handshake) is a server-side
     * connection of a managed context, whose refusals are the agent's to log.
     */
    public boolean isManagedServer(Object transport) {
        return engines.containsKey(transport) || sockets.isEnforced(transport);
    }

    /** A server-mode socket layered over a plain one by a context's socket factory; the JDK hook reports it. */
    public void onLayeredServerSocket(Object implementation, Object socket) {
        if (socket instanceof SSLSocket && implementations.containsKey(implementation)) {
            sockets.enroll((SSLSocket) socket);
        }
    }

    /** The server sockets of managed contexts and the sockets they accept, for the socket hooks. */
    public ClientAuthSockets sockets() {
        return sockets;
    }

    /** Server sockets of managed contexts start with, and keep, the mode's client-auth demand. */
    public SSLServerSocketFactory onServerSocketFactory(SSLContext context, SSLServerSocketFactory factory) {
        if (factory == null || factory instanceof ClientAuthServerSocketFactory || !isManaged(context)) {
            return factory;
        }
        return new ClientAuthServerSocketFactory(factory, sockets);
    }

    /**
     * After a rotation away from {@code leaf}: no session established with it is resumed from now on,
     * whichever SSL context it lives in and whenever it was cached (see {@link #refusesResumption}),
     * and the cached sessions of managed contexts are dropped at once.
     *
     * @return how many cached sessions were invalidated now
     */
    public int retire(X509Certificate leaf) {
        synchronized (this) {
            Set<X509Certificate> next = new LinkedHashSet<>(retired);
            next.remove(leaf);
            next.add(leaf);
            Iterator<X509Certificate> oldest = next.iterator();
            while (next.size() > RETIRED_KEPT) {
                oldest.next();
                oldest.remove();
            }
            retired = Collections.unmodifiableSet(next);
        }
        return invalidateSessions();
    }

    /**
     * Asked by JSSE before it resumes any session: true (and the session invalidated) when the session
     * was established with a certificate the agent has rotated away from, so the handshake becomes a
     * full one with the current certificate. Sessions of the application's own key managers never
     * carry a retired leaf and are left alone.
     */
    public boolean refusesResumption(SSLSession session) {
        Set<X509Certificate> r = retired;
        if (r.isEmpty()) {
            return false;
        }
        Certificate[] local = session.getLocalCertificates();
        if (local == null || local.length == 0 || !r.contains(local[0])) {
            return false;
        }
        session.invalidate();
        return true;
    }

    /**
     * After a rotation: invalidate every cached session of every managed context, client and server
     * side, so no resumed session outlives the identity it was established with.
     *
     * @return how many sessions were invalidated
     */
    int invalidateSessions() {
        List<SSLContext> snapshot;
        synchronized (contexts) {
            snapshot = new ArrayList<>(contexts.keySet());
        }
        int count = 0;
        for (SSLContext context : snapshot) {
            count += invalidate(context.getClientSessionContext());
            count += invalidate(context.getServerSessionContext());
        }
        return count;
    }

    /** Invalidates every session cached in {@code sessions} (null: none); also for Netty's OpenSSL contexts. */
    static int invalidate(SSLSessionContext sessions) {
        if (sessions == null) {
            return 0;
        }
        int count = 0;
        for (Enumeration<byte[]> ids = sessions.getIds(); ids.hasMoreElements(); ) {
            SSLSession session = sessions.getSession(ids.nextElement());
            if (session != null) {
                session.invalidate();
                count++;
            }
        }
        return count;
    }
}
