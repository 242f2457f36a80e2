package io.meshless.agent.bridge;

import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The only agent class the instrumented JDK classes see. It is injected into the bootstrap class
 * loader, so advice inlined into {@code javax.net.ssl} can reach it, and holds JDK functional types
 * only; the agent (on the system class path) fills the fields in. A null field means "do nothing".
 */
public final class MeshlessBridge {

    /**
     * SSLContext.init: (context, {KeyManager[], TrustManager[], the context's SSLContextSpi}) →
     * {KeyManager[], TrustManager[]}.
     */
    public static volatile BiFunction<Object, Object[], Object[]> contextInit;

    /** SSLContext.getDefault, before it reads the default: lets the agent install its default on first use. */
    public static volatile Runnable beforeGetDefault;

    /** SSLContext.setDefault: the new context → true to refuse it. */
    public static volatile Predicate<Object> refuseDefaultContext;

    /** HttpsURLConnection.setDefaultSSLSocketFactory: the new factory → true to refuse it. */
    public static volatile Predicate<Object> refuseDefaultSocketFactory;

    /** SSLContext.createSSLEngine: (context, engine) → engine to return. */
    public static volatile BiFunction<Object, Object, Object> engineCreated;

    /** SSLContext.getServerSocketFactory: (context, factory) → factory to return. */
    public static volatile BiFunction<Object, Object, Object> serverSocketFactory;

    /**
     * {@code sun.security.ssl.SSLSessionImpl.isRejoinable}, client and server side: the session (JSSE
     * asked because it is about to resume it) → true to refuse, so the handshake is a full one.
     */
    public static volatile Predicate<Object> refuseResumption;

    /**
     * A library's own host-name verifier (OkHttp's, Apache HttpClient 5's and 4.5's) has just refused a server:
     * (host name, the server's leaf certificate) → true when the agent authorized that leaf by SPIFFE
     * ID during the handshake, so the refusal is overruled by secure naming.
     */
    public static volatile BiPredicate<String, Object> securelyNamed;

    /**
     * {@code sun.security.ssl.SSLServerSocketImpl} and {@code SSLSocketImpl}, after a setter that can change
     * client authentication: (socket, method name).
     */
    public static volatile BiConsumer<Object, String> socketClientAuthSet;

    /** {@code sun.security.ssl.SSLServerSocketImpl.accept}: (server socket, accepted socket). */
    public static volatile BiConsumer<Object, Object> socketAccepted;

    /**
     * {@code sun.security.ssl.SSLSocketImpl}'s server-side layering constructor, behind
     * {@code SSLSocketFactory.createSocket(Socket, InputStream, boolean)}: (the SSLContextSpi the socket
     * belongs to, the new server-mode socket).
     */
    public static volatile BiConsumer<Object, Object> layeredServerSocket;

    /**
     * {@code sun.security.ssl.TransportContext.fatal}, when a server refuses a client that sent no
     * certificate: (the socket or engine, the JDK's diagnostic).
     */
    public static volatile BiConsumer<Object, String> clientSentNoCertificate;

    /**
     * Netty's OpenSSL client context ({@code ReferenceCountedOpenSslClientContext.newSessionContext}), built
     * with neither a key manager factory nor a certificate chain: (the context) → the
     * {@code KeyManagerFactory} to present a client certificate from, or null for none.
     */
    public static volatile Function<Object, Object> openSslClientWithoutKeys;

    /**
     * Netty's OpenSSL contexts turn a {@code KeyManagerFactory} into their key material
     * ({@code ReferenceCountedOpenSslContext.providerFor}): the application's factory → the factory to use.
     */
    public static volatile Function<Object, Object> openSslKeyManagerFactory;

    /**
     * Netty's OpenSSL contexts pick their trust manager ({@code ReferenceCountedOpenSslContext.chooseTrustManager}):
     * the application's {@code TrustManager[]} → the trust managers to pick from.
     */
    public static volatile Function<Object, Object> openSslTrustManagers;

    /** Netty's OpenSSL server context starts building its key material ({@code newSessionContext} entered). */
    public static volatile Runnable openSslServerContextStarts;

    /** Netty's OpenSSL server context has built its key material ({@code newSessionContext} returned): (the context). */
    public static volatile Consumer<Object> openSslServerContextBuilt;

    /** A Netty OpenSSL engine was constructed: (its context, the engine). */
    public static volatile BiConsumer<Object, Object> openSslEngineCreated;

    /**
     * Netty's OpenSSL client context has built its key material ({@code newSessionContext} returned or threw): (the
     * context).
     */
    public static volatile Consumer<Object> openSslClientContextBuilt;

    /**
     * A Netty OpenSSL engine took a handshake step ({@code ReferenceCountedOpenSslEngine.handshake} returned): (the
     * engine, the {@code SSLEngineResult.HandshakeStatus} it returned).
     */
    public static volatile BiConsumer<Object, Object> openSslHandshakeStep;

    private MeshlessBridge() {}
}
