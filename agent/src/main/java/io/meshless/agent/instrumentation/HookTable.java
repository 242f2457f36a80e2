package io.meshless.agent.instrumentation;

import static io.meshless.agent.instrumentation.Operand.argument;
import static io.meshless.agent.instrumentation.Operand.field;
import static io.meshless.agent.instrumentation.Operand.methodName;
import static io.meshless.agent.instrumentation.Operand.self;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Every hook the agent weaves, in one place: the type (by exact name), the methods, and which typed
 * {@code MeshlessBridge} method is called where. A new hook is one more entry here and one more bridge method.
 */
final class HookTable {

    static final String STRING = "Ljava/lang/String;";
    static final String OBJECT = "Ljava/lang/Object;";
    static final String CERTIFICATE = "Ljava/security/cert/X509Certificate;";
    static final String SSL_CONTEXT = "Ljavax/net/ssl/SSLContext;";
    static final String SSL_EXCEPTION = "javax/net/ssl/SSLException";

    private HookTable() {}

    static List<TypeHooks> all() {
        List<TypeHooks> types = new ArrayList<>(Arrays.asList(
                sslContext(),
                httpsUrlConnection(),
                sslSessionImpl(),
                booleanHostnameVerifier("okhttp3.internal.tls.OkHostnameVerifier"),
                throwingHostnameVerifier("org.apache.hc.client5.http.ssl.DefaultHostnameVerifier"),
                throwingHostnameVerifier("org.apache.http.conn.ssl.DefaultHostnameVerifier"),
                throwingHostnameVerifier("org.apache.http.conn.ssl.AbstractVerifier"),
                sslServerSocketImpl(),
                sslSocketImpl(),
                transportContext(),
                managementFactory()));
        types.addAll(NettyOpenSslInstrumentation.all());
        return Collections.unmodifiableList(types);
    }

    /**
     * {@code javax.net.ssl.SSLContext}: {@code init} (agent managers for null ones), {@code getDefault} (the agent's
     * default, installed on first use), {@code setDefault} (refused once installed), {@code createSSLEngine} and
     * {@code getServerSocketFactory} (client auth for managed server sides).
     */
    private static TypeHooks sslContext() {
        return TypeHooks.of(
                "javax.net.ssl.SSLContext",
                Hook.on(
                        "init(KeyManager[], TrustManager[], SecureRandom)",
                        MethodPattern.named("init").isPublic().takesArguments(3),
                        Weave.replacingManagers(
                                "contextInit",
                                "(" + SSL_CONTEXT + "Ljavax/net/ssl/SSLContextSpi;[Ljavax/net/ssl/KeyManager;"
                                        + "[Ljavax/net/ssl/TrustManager;)Lio/meshless/agent/bridge/MeshlessBridge$Managers;",
                                self(),
                                field("contextSpi"),
                                argument(0),
                                argument(1))),
                Hook.on(
                        "static getDefault()",
                        MethodPattern.named("getDefault").isStatic().takesArguments(0),
                        Weave.atEntry("beforeGetDefault", "()V")),
                Hook.on(
                        "static setDefault(SSLContext)",
                        MethodPattern.named("setDefault").isStatic().takesArguments(1),
                        Weave.skippingBodyWhen("refuseDefaultContext", "(" + SSL_CONTEXT + ")Z", argument(0))),
                Hook.on(
                        "createSSLEngine(...)",
                        MethodPattern.named("createSSLEngine"),
                        Weave.replacingReturn(
                                "engineCreated",
                                "(Ljavax/net/ssl/SSLEngine;" + SSL_CONTEXT + ")Ljavax/net/ssl/SSLEngine;",
                                self())),
                Hook.on(
                        "getServerSocketFactory()",
                        MethodPattern.named("getServerSocketFactory").takesArguments(0),
                        Weave.replacingReturn(
                                "serverSocketFactory",
                                "(Ljavax/net/ssl/SSLServerSocketFactory;" + SSL_CONTEXT
                                        + ")Ljavax/net/ssl/SSLServerSocketFactory;",
                                self())));
    }

    /**
     * {@code java.lang.management.ManagementFactory.getPlatformMBeanServer()}: the agent's status MBean is registered
     * when someone first asks for the platform MBeanServer (a JMX agent, {@code meshless status --pid} through
     * attach, the application), not at the first TLS use, where creating that server would load some 400 classes
     * before the first handshake.
     */
    private static TypeHooks managementFactory() {
        return TypeHooks.of(
                "java.lang.management.ManagementFactory",
                Hook.on(
                        "static getPlatformMBeanServer()",
                        MethodPattern.named("getPlatformMBeanServer").isStatic().takesArguments(0),
                        Weave.replacingReturn(
                                "platformMBeanServer",
                                "(Ljavax/management/MBeanServer;)Ljavax/management/MBeanServer;")));
    }

    /** {@code javax.net.ssl.HttpsURLConnection.setDefaultSSLSocketFactory}: the agent's factory stays. */
    private static TypeHooks httpsUrlConnection() {
        return TypeHooks.of(
                "javax.net.ssl.HttpsURLConnection",
                Hook.on(
                        "static setDefaultSSLSocketFactory(SSLSocketFactory)",
                        MethodPattern.named("setDefaultSSLSocketFactory")
                                .isStatic()
                                .takesArguments(1),
                        Weave.skippingBodyWhen(
                                "refuseDefaultSocketFactory", "(Ljavax/net/ssl/SSLSocketFactory;)Z", argument(0))));
    }

    /**
     * {@code sun.security.ssl.SSLSessionImpl.isRejoinable()}: the one question SunJSSE asks before it resumes a
     * session, for TLS 1.2 session IDs and tickets and for TLS 1.3 PSKs, on both sides. A resumed handshake calls no
     * key manager, so this is the only place the agent can stop a session established with a rotated-away
     * certificate from living on: TLS 1.3 turns every resumption into new tickets that carry the old certificate
     * forward, and a one-time cache sweep after the swap races with handshakes in flight.
     *
     * <p>An internal JDK type, present with this method since the JDK 11 TLS rewrite up to JDK 25; on a JDK without
     * it nothing is woven and the post-rotation cache sweep is what remains.
     */
    private static TypeHooks sslSessionImpl() {
        return TypeHooks.of(
                "sun.security.ssl.SSLSessionImpl",
                Hook.on(
                        "isRejoinable()",
                        MethodPattern.named("isRejoinable").takesArguments(0).returns("Z"),
                        Weave.replacingReturn("rejoinable", "(ZLjavax/net/ssl/SSLSession;)Z", self())));
    }

    /**
     * An HTTP library's own host-name verifier, which checks the host name again after the handshake (a workload
     * certificate names only its SPIFFE ID): its {@code verify(String, X509Certificate)}, the one method its other
     * entry points delegate to, lets through the leaves the agent authorized by SPIFFE ID.
     *
     * <p>OkHttp 4 and 5: {@code verify(String, SSLSession)}, called after each handshake, delegates to the boolean
     * {@code verify(String, X509Certificate)}, as does connection coalescing (which also requires the same IP
     * address): a false answer stands unless the agent authorized that very leaf.
     */
    private static TypeHooks booleanHostnameVerifier(String typeName) {
        return TypeHooks.of(
                typeName,
                Hook.on(
                        "verify(String, X509Certificate) returning boolean",
                        verifyHostAndLeaf("Z"),
                        Weave.replacingReturn(
                                "hostnameVerified", "(Z" + STRING + CERTIFICATE + ")Z", argument(0), argument(1))));
    }

    /** {@code verify(String host, X509Certificate leaf)} returning {@code returnDescriptor}. */
    private static MethodPattern verifyHostAndLeaf(String returnDescriptor) {
        return MethodPattern.named("verify")
                .takesArguments(2)
                .takesArgument(0, STRING)
                .takesArgument(1, CERTIFICATE)
                .returns(returnDescriptor);
    }

    /**
     * Apache HttpClient's {@code void verify(String, X509Certificate) throws SSLException}: the refusal is thrown
     * unless the agent authorized that very leaf by SPIFFE ID; other throwables pass untouched.
     *
     * <ul>
     *   <li>HttpClient 5's {@code DefaultHostnameVerifier}: {@code AbstractClientTlsStrategy.verifySession}
     *       (policies CLIENT and BOTH) calls it; {@code verify(String, SSLSession)} delegates to it.
     *   <li>HttpClient 4.5's {@code DefaultHostnameVerifier}: {@code SSLConnectionSocketFactory} checks the host name
     *       only through its verifier, after the handshake; {@code verify(String, SSLSession)} catches the
     *       {@code SSLException} of this method and returns false.
     *   <li>HttpClient 4.x's deprecated verifiers ({@code BrowserCompatHostnameVerifier}, the default of the old
     *       {@code SSLSocketFactory}, and {@code StrictHostnameVerifier}): their common base {@code AbstractVerifier}'s
     *       final method, to which its socket and session entry points delegate.
     * </ul>
     */
    private static TypeHooks throwingHostnameVerifier(String typeName) {
        return TypeHooks.of(
                typeName,
                Hook.on(
                        "verify(String, X509Certificate) throwing SSLException",
                        verifyHostAndLeaf("V"),
                        Weave.overrulingThrown(
                                SSL_EXCEPTION,
                                "hostnameRefusalOverruled",
                                "(L" + SSL_EXCEPTION + ";" + STRING + CERTIFICATE + ")Z",
                                argument(0),
                                argument(1))));
    }

    /**
     * {@code sun.security.ssl.SSLServerSocketImpl} and {@code SSLSocketImpl}: the setters that can lower client
     * authentication, and {@code accept}, so that strict and permissive hold for server sockets of managed contexts
     * (and the sockets they accept) however the application reconfigures them.
     *
     * <p>Hooks on the JDK's implementation rather than a wrapping {@code SSLServerSocket}: a wrapper is a second
     * {@code ServerSocket} with its own unused socket state, every method of which (bind, accept, close, options,
     * channel, those added in later JDKs) must be forwarded by hand, and the accepted {@code SSLSocket}s could only be
     * covered by wrapping {@code Socket} as well, which applications see and cast. The hooked methods are the public
     * {@code SSLSocket}/{@code SSLServerSocket} overrides, present with these signatures in SunJSSE from JDK 11 to 25;
     * on a JDK without them nothing is woven and server sockets keep the demand they were created with.
     */
    private static Hook clientAuthSetters() {
        return Hook.on(
                "setNeedClientAuth, setWantClientAuth, setSSLParameters, setUseClientMode",
                MethodPattern.named("setNeedClientAuth", "setWantClientAuth", "setSSLParameters", "setUseClientMode")
                        .isPublic()
                        .takesArguments(1),
                Weave.atExit("socketClientAuthSet", "(" + OBJECT + STRING + ")V", self(), methodName()));
    }

    private static TypeHooks sslServerSocketImpl() {
        return TypeHooks.of(
                "sun.security.ssl.SSLServerSocketImpl",
                clientAuthSetters(),
                Hook.on(
                        "accept()",
                        MethodPattern.named("accept").takesArguments(0).returns("Ljava/net/Socket;"),
                        Weave.replacingReturn(
                                "socketAccepted",
                                "(Ljava/net/Socket;Ljavax/net/ssl/SSLServerSocket;)Ljava/net/Socket;",
                                self())));
    }

    /**
     * Also {@code SSLSocketImpl(SSLContextImpl, Socket, InputStream, boolean)}, the server side of
     * {@code SSLSocketFactory.createSocket(Socket, InputStream, boolean)} (STARTTLS-style servers that accept plain
     * sockets and layer TLS on them): such a socket of a managed context keeps the mode's demand.
     */
    private static TypeHooks sslSocketImpl() {
        return TypeHooks.of(
                "sun.security.ssl.SSLSocketImpl",
                clientAuthSetters(),
                Hook.on(
                        "constructor(SSLContextImpl, Socket, InputStream, boolean)",
                        MethodPattern.constructors()
                                .takesArguments(4)
                                .takesArgument(1, "Ljava/net/Socket;")
                                .takesArgument(2, "Ljava/io/InputStream;"),
                        Weave.atExit(
                                "layeredServerSocket",
                                "(Ljavax/net/ssl/SSLContextSpi;Ljavax/net/ssl/SSLSocket;)V",
                                argument(0),
                                self())));
    }

    /**
     * {@code sun.security.ssl.TransportContext.fatal(Alert, String, boolean, Throwable)}, where every fatal alert of
     * a JDK socket or engine passes: a client that sends no certificate to a server requiring one is refused there,
     * and no trust manager is ever called for it, so this is the one place the agent can see (and log) that refusal.
     * The other fatal overloads delegate to this one.
     *
     * <p>An internal JDK type with this method and its {@code transport} field from JDK 11 to 25; on a JDK without
     * them nothing is woven and such refusals go unlogged, as before.
     */
    private static TypeHooks transportContext() {
        return TypeHooks.of(
                "sun.security.ssl.TransportContext",
                Hook.on(
                        "fatal(Alert, String, boolean, Throwable)",
                        MethodPattern.named("fatal").takesArguments(4).takesArgument(1, STRING),
                        Weave.atEntry("fatalAlert", "(" + OBJECT + STRING + ")V", field("transport"), argument(1))));
    }
}
