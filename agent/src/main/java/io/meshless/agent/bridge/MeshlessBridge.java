package io.meshless.agent.bridge;

import java.net.Socket;
import java.security.cert.X509Certificate;
import javax.management.MBeanServer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The only agent classes the instrumented classes see: this one with its {@link Hooks} and {@link Managers}. They
 * are defined in the bootstrap class loader, so code woven into {@code javax.net.ssl} (and, through parent
 * delegation, into any library) can call the static methods here, one per hook, typed as the woven method's own
 * values (the JDK's types; Netty's, which the boot loader cannot see, as {@code Object}).
 *
 * <p>Each method asks the agent's {@link Hooks}, installed once the agent starts, and answers "change nothing"
 * while there are none or when they fail: a hook must never break the application's TLS call, and the woven code
 * itself catches nothing.
 */
public final class MeshlessBridge {

    private static volatile Hooks hooks;

    private MeshlessBridge() {}

    /** Points every hook at the agent. */
    public static void install(Hooks agent) {
        hooks = agent;
    }

    /** {@code SSLContext.init} entered: the key and trust managers it continues with. */
    public static Managers contextInit(
            SSLContext context, SSLContextSpi implementation, KeyManager[] keyManagers, TrustManager[] trustManagers) {
        Hooks agent = hooks;
        if (agent != null) {
            try {
                Managers replaced = agent.contextInit(context, implementation, keyManagers, trustManagers);
                if (replaced != null) {
                    return replaced;
                }
            } catch (Throwable ignored) {
                // the application's own managers stay
            }
        }
        return new Managers(keyManagers, trustManagers);
    }

    /** {@code SSLContext.getDefault} entered: the agent installs its default on first use. */
    public static void beforeGetDefault() {
        Hooks agent = hooks;
        if (agent != null) {
            try {
                agent.beforeGetDefault();
            } catch (Throwable ignored) {
                // the JDK's default stays
            }
        }
    }

    /** {@code SSLContext.setDefault} entered: true skips it. */
    public static boolean refuseDefaultContext(SSLContext context) {
        Hooks agent = hooks;
        try {
            return agent != null && agent.refusesDefaultContext(context);
        } catch (Throwable t) {
            return false;
        }
    }

    /** {@code HttpsURLConnection.setDefaultSSLSocketFactory} entered: true skips it. */
    public static boolean refuseDefaultSocketFactory(SSLSocketFactory factory) {
        Hooks agent = hooks;
        try {
            return agent != null && agent.refusesDefaultSocketFactory(factory);
        } catch (Throwable t) {
            return false;
        }
    }

    /** {@code SSLContext.createSSLEngine} returns {@code engine}: the engine returned instead. */
    public static SSLEngine engineCreated(SSLEngine engine, SSLContext context) {
        Hooks agent = hooks;
        if (agent != null) {
            try {
                return agent.engineCreated(context, engine);
            } catch (Throwable ignored) {
                // the JDK's engine stays
            }
        }
        return engine;
    }

    /** {@code SSLContext.getServerSocketFactory} returns {@code factory}: the factory returned instead. */
    public static SSLServerSocketFactory serverSocketFactory(SSLServerSocketFactory factory, SSLContext context) {
        Hooks agent = hooks;
        if (agent != null) {
            try {
                return agent.serverSocketFactory(context, factory);
            } catch (Throwable ignored) {
                // the JDK's factory stays
            }
        }
        return factory;
    }

    /**
     * {@code sun.security.ssl.SSLSessionImpl.isRejoinable} returns {@code rejoinable}, client and server side: the
     * agent may refuse the resumption, so the handshake is a full one.
     */
    public static boolean rejoinable(boolean rejoinable, SSLSession session) {
        Hooks agent = hooks;
        if (!rejoinable || agent == null) {
            return rejoinable;
        }
        try {
            return !agent.refusesResumption(session);
        } catch (Throwable t) {
            return true;
        }
    }

    /**
     * A library's boolean host-name check (OkHttp's {@code verify(String, X509Certificate)}) returns
     * {@code verified}: a refusal stands unless the agent authorized that very leaf by SPIFFE ID.
     */
    public static boolean hostnameVerified(boolean verified, String host, X509Certificate leaf) {
        return verified || securelyNamed(host, leaf);
    }

    /**
     * A library's throwing host-name check (Apache HttpClient's {@code verify(String, X509Certificate)}) throws
     * {@code refusal}: true when secure naming overrules it, and the check returns normally instead.
     */
    public static boolean hostnameRefusalOverruled(SSLException refusal, String host, X509Certificate leaf) {
        return securelyNamed(host, leaf);
    }

    private static boolean securelyNamed(String host, X509Certificate leaf) {
        Hooks agent = hooks;
        try {
            return agent != null && agent.securelyNamed(host, leaf);
        } catch (Throwable t) {
            return false;
        }
    }

    /**
     * {@code sun.security.ssl.SSLServerSocketImpl} or {@code SSLSocketImpl} returns from a setter that can change
     * client authentication ({@code method}).
     */
    public static void socketClientAuthSet(Object socket, String method) {
        Hooks agent = hooks;
        if (agent != null) {
            try {
                agent.clientAuthSet(socket, method);
            } catch (Throwable ignored) {
                // the socket keeps what the application set
            }
        }
    }

    /** {@code sun.security.ssl.SSLServerSocketImpl.accept} returns {@code accepted}, which is returned unchanged. */
    public static Socket socketAccepted(Socket accepted, SSLServerSocket server) {
        Hooks agent = hooks;
        if (agent != null) {
            try {
                agent.accepted(server, accepted);
            } catch (Throwable ignored) {
                // the socket keeps its server's settings
            }
        }
        return accepted;
    }

    /**
     * {@code sun.security.ssl.SSLSocketImpl}'s server-side layering constructor (behind
     * {@code SSLSocketFactory.createSocket(Socket, InputStream, boolean)}) returns.
     */
    public static void layeredServerSocket(SSLContextSpi implementation, SSLSocket socket) {
        Hooks agent = hooks;
        if (agent != null) {
            try {
                agent.layeredServerSocket(implementation, socket);
            } catch (Throwable ignored) {
                // the socket keeps its factory's settings
            }
        }
    }

    /**
     * {@code sun.security.ssl.TransportContext.fatal} entered for the socket or engine {@code transport}: a server
     * refusing a client that sent no certificate says "Empty client certificate chain" (TLS 1.2 and 1.3).
     */
    public static void fatalAlert(Object transport, String diagnostic) {
        Hooks agent = hooks;
        if (agent != null && diagnostic != null && diagnostic.startsWith("Empty client certificate chain")) {
            try {
                agent.clientSentNoCertificate(transport, diagnostic);
            } catch (Throwable ignored) {
                // unlogged, as without the agent
            }
        }
    }

    /**
     * Netty's OpenSSL client context ({@code ReferenceCountedOpenSslClientContext.newSessionContext}) entered: the
     * key manager factory it continues with; the agent's when it has neither a factory nor a certificate chain.
     */
    public static KeyManagerFactory openSslClientKeyManagerFactory(
            Object context, X509Certificate[] keyCertChain, KeyManagerFactory factory) {
        Hooks agent = hooks;
        if (agent != null && factory == null && keyCertChain == null) {
            try {
                KeyManagerFactory ours = agent.openSslClientWithoutKeys(context);
                if (ours != null) {
                    return ours;
                }
            } catch (Throwable ignored) {
                // no client certificate, as without the agent
            }
        }
        return factory;
    }

    /**
     * Netty's OpenSSL contexts turn a key manager factory into their key material
     * ({@code ReferenceCountedOpenSslContext.providerFor} entered): the factory used instead.
     */
    public static KeyManagerFactory openSslKeyManagerFactory(KeyManagerFactory factory) {
        Hooks agent = hooks;
        if (agent != null && factory != null) {
            try {
                KeyManagerFactory ours = agent.openSslKeyManagerFactory(factory);
                if (ours != null) {
                    return ours;
                }
            } catch (Throwable ignored) {
                // the application's factory stays
            }
        }
        return factory;
    }

    /**
     * Netty's OpenSSL contexts pick their trust manager ({@code ReferenceCountedOpenSslContext.chooseTrustManager}
     * entered): the trust managers picked from instead.
     */
    public static TrustManager[] openSslTrustManagers(TrustManager[] managers) {
        Hooks agent = hooks;
        if (agent != null && managers != null) {
            try {
                TrustManager[] ours = agent.openSslTrustManagers(managers);
                if (ours != null) {
                    return ours;
                }
            } catch (Throwable ignored) {
                // the application's trust managers stay
            }
        }
        return managers;
    }

    /** Netty's OpenSSL server context starts building its key material ({@code newSessionContext} entered). */
    public static void openSslServerContextStarts() {
        Hooks agent = hooks;
        if (agent != null) {
            try {
                agent.openSslServerContextStarts();
            } catch (Throwable ignored) {
                // the context is left as built
            }
        }
    }

    /** Netty's OpenSSL server context has built its key material ({@code newSessionContext} returned). */
    public static void openSslServerContextBuilt(Object context) {
        Hooks agent = hooks;
        if (agent != null) {
            try {
                agent.openSslServerContextBuilt(context);
            } catch (Throwable ignored) {
                // the context is left as built
            }
        }
    }

    /** A Netty OpenSSL engine's constructor returns. */
    public static void openSslEngineCreated(Object context, Object engine) {
        Hooks agent = hooks;
        if (agent != null) {
            try {
                agent.openSslEngineCreated(context, engine);
            } catch (Throwable ignored) {
                // the engine keeps its context's settings
            }
        }
    }

    /**
     * Netty's OpenSSL client context has built its key material ({@code ReferenceCountedOpenSslClientContext
     * .newSessionContext} returned or threw).
     */
    public static void openSslClientContextBuilt(Object context) {
        Hooks agent = hooks;
        if (agent != null) {
            try {
                agent.openSslClientContextBuilt(context);
            } catch (Throwable ignored) {
                // its sessions are left to their cache's own expiry
            }
        }
    }

    /**
     * {@code java.lang.management.ManagementFactory.getPlatformMBeanServer} returns {@code server}, which is returned
     * unchanged: the agent registers its status MBean there the first time, so a JVM in which nobody asks for the
     * platform MBeanServer never pays for creating it.
     */
    public static MBeanServer platformMBeanServer(MBeanServer server) {
        Hooks agent = hooks;
        if (agent != null) {
            try {
                agent.platformMBeanServer(server);
            } catch (Throwable ignored) {
                // the agent works unobserved, as when management is unavailable
            }
        }
        return server;
    }

    /**
     * A Netty OpenSSL engine took a handshake step ({@code ReferenceCountedOpenSslEngine.handshake} returns
     * {@code status}, which is returned unchanged).
     */
    public static SSLEngineResult.HandshakeStatus openSslHandshakeStep(
            SSLEngineResult.HandshakeStatus status, Object engine) {
        Hooks agent = hooks;
        if (agent != null) {
            try {
                agent.openSslHandshakeStep(engine, status);
            } catch (Throwable ignored) {
                // unreported, as without the agent
            }
        }
        return status;
    }

    /**
     * What the agent does at each hook. Implementations may throw; the bridge then changes nothing. A null answer
     * means "leave it as it is".
     */
    public interface Hooks {
        Managers contextInit(
                SSLContext context,
                SSLContextSpi implementation,
                KeyManager[] keyManagers,
                TrustManager[] trustManagers);

        void beforeGetDefault();

        boolean refusesDefaultContext(SSLContext context);

        boolean refusesDefaultSocketFactory(SSLSocketFactory factory);

        SSLEngine engineCreated(SSLContext context, SSLEngine engine);

        SSLServerSocketFactory serverSocketFactory(SSLContext context, SSLServerSocketFactory factory);

        boolean refusesResumption(SSLSession session);

        /** Whether the agent authorized {@code leaf} by SPIFFE ID during the handshake. */
        boolean securelyNamed(String host, X509Certificate leaf);

        void clientAuthSet(Object socket, String method);

        void accepted(SSLServerSocket server, Socket accepted);

        void layeredServerSocket(SSLContextSpi implementation, SSLSocket socket);

        void clientSentNoCertificate(Object transport, String diagnostic);

        KeyManagerFactory openSslClientWithoutKeys(Object context);

        KeyManagerFactory openSslKeyManagerFactory(KeyManagerFactory factory);

        TrustManager[] openSslTrustManagers(TrustManager[] managers);

        void openSslServerContextStarts();

        void openSslServerContextBuilt(Object context);

        void openSslEngineCreated(Object context, Object engine);

        void openSslClientContextBuilt(Object context);

        void openSslHandshakeStep(Object engine, SSLEngineResult.HandshakeStatus status);

        void platformMBeanServer(MBeanServer server);
    }

    /** The key and trust managers an {@code SSLContext.init} continues with. */
    public static final class Managers {
        private final KeyManager[] keyManagers;
        private final TrustManager[] trustManagers;

        public Managers(KeyManager[] keyManagers, TrustManager[] trustManagers) {
            this.keyManagers = keyManagers;
            this.trustManagers = trustManagers;
        }

        public KeyManager[] keyManagers() {
            return keyManagers;
        }

        public TrustManager[] trustManagers() {
            return trustManagers;
        }
    }
}
