package io.meshless.agent.instrumentation;

import static io.meshless.agent.instrumentation.Operand.argument;
import static io.meshless.agent.instrumentation.Operand.self;

import io.meshless.agent.tls.OpenSslContexts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.LoggerFactory;

/**
 * Netty's OpenSSL contexts (netty-tcnative, BoringSSL), which never go through JSSE's {@code SSLContext.init}:
 * a client context without key material gets the workload certificate, and key and trust managers that hold the
 * mounted material are adopted. The engine stays OpenSSL. The same classes are hooked in every package listed in
 * {@link #SSL_PACKAGES}, each in whichever class loader it loads.
 *
 * <p>Netty's internals change between releases: a hooked class whose method or sibling class is not where this
 * expects it says so in one line, and the application keeps running without that hook.
 */
final class NettyOpenSslInstrumentation {

    /**
     * Where Netty's {@code io.netty.handler.ssl} package lives: Netty itself (netty-handler 4.1 and 4.2) and the
     * copies relocated inside artifacts that bundle netty-tcnative: grpc-netty-shaded (gRPC-java's default
     * transport). The one list of relocations; {@code FirstTlsUse.LIBRARY_HOOKS} names the same classes.
     */
    static final List<String> SSL_PACKAGES = Collections.unmodifiableList(
            Arrays.asList("io.netty.handler.ssl.", "io.grpc.netty.shaded.io.netty.handler.ssl."));

    private static final String CONTEXT = "ReferenceCountedOpenSslContext";
    private static final String CLIENT_CONTEXT = "ReferenceCountedOpenSslClientContext";
    private static final String SERVER_CONTEXT = "ReferenceCountedOpenSslServerContext";
    private static final String ENGINE = "ReferenceCountedOpenSslEngine";

    private static final String KEY_MANAGER_FACTORY = "Ljavax/net/ssl/KeyManagerFactory;";
    private static final String TRUST_MANAGERS = "[Ljavax/net/ssl/TrustManager;";
    private static final String CERTIFICATES = "[Ljava/security/cert/X509Certificate;";
    private static final String HANDSHAKE_STATUS = "Ljavax/net/ssl/SSLEngineResult$HandshakeStatus;";

    /** What an application loses when a hook (or a class it needs) is missing, unless the hook says otherwise. */
    private static final String NO_ADOPTION = "its OpenSSL contexts keep the application's key and trust material as"
            + " built (no workload certificate for clients without one, no rotation for servers built from the mounted"
            + " files, and their client authentication stays what the application chose)";

    /** (class, what is missing) already reported: one line each, however many class loaders load it. */
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    private static final TypeHooks.Unmatched REPORTER = NettyOpenSslInstrumentation::reportUnmatched;

    private NettyOpenSslInstrumentation() {}

    /** The hooked classes in every listed package. */
    static List<TypeHooks> all() {
        List<TypeHooks> all = new ArrayList<>();
        for (String ssl : SSL_PACKAGES) {
            all.add(context(ssl));
            all.add(clientContext(ssl));
            all.add(serverContext(ssl));
            all.add(engine(ssl));
        }
        return all;
    }

    private static String descriptor(String binaryName) {
        return "L" + binaryName.replace('.', '/') + ";";
    }

    /**
     * {@code ReferenceCountedOpenSslContext}'s static helpers that client and server contexts share (Netty 4.1.x and
     * 4.2.x).
     *
     * <p>{@code providerFor(KeyManagerFactory, String)}, through which client and server contexts turn every key
     * manager factory into key material, including the one Netty builds from a certificate chain and key
     * ({@code forServer(crtFile, keyFile)}): a factory holding the workload key becomes the agent's, so rotation
     * reaches new handshakes. The agent's factory is a plain one, for which Netty creates a provider that asks the key
     * manager at every handshake.
     *
     * <p>{@code chooseTrustManager(TrustManager[], ...)}, where client and server contexts pick the trust manager
     * their verify callback calls: one that trusts exactly the mesh bundle (a context built with
     * {@code trustManager(caFile)}) becomes the agent's mesh trust manager. Contexts built with default trust already
     * get it from the default TrustManagerFactory algorithm.
     */
    static TypeHooks context(String ssl) {
        return TypeHooks.of(
                        ssl + CONTEXT,
                        Hook.on(
                                "static providerFor(KeyManagerFactory, String)",
                                MethodPattern.named("providerFor")
                                        .isStatic()
                                        .takesArguments(2)
                                        .takesArgument(0, KEY_MANAGER_FACTORY)
                                        .takesArgument(1, HookTable.STRING),
                                Weave.replacingArgument(
                                        0,
                                        "openSslKeyManagerFactory",
                                        "(" + KEY_MANAGER_FACTORY + ")" + KEY_MANAGER_FACTORY,
                                        argument(0))),
                        Hook.on(
                                "static chooseTrustManager(TrustManager[], ...)",
                                MethodPattern.named("chooseTrustManager")
                                        .isStatic()
                                        .takesArgument(0, TRUST_MANAGERS),
                                Weave.replacingArgument(
                                        0,
                                        "openSslTrustManagers",
                                        "(" + TRUST_MANAGERS + ")" + TRUST_MANAGERS,
                                        argument(0))))
                .reportingTo(REPORTER, Collections.singletonList(ssl + CLIENT_CONTEXT));
    }

    /**
     * {@code ReferenceCountedOpenSslClientContext}'s static {@code newSessionContext(ReferenceCountedOpenSslContext
     * thiz, ctx, engines, trustCertCollection, trustManagerFactory, keyCertChain, key, keyPassword, keyManagerFactory,
     * ...)} (Netty 4.1.x and 4.2.x): a client context built with no key material gets the agent's key manager factory,
     * as JSSE clients get the agent's key manager for {@code SSLContext.init(null, ...)} (without it the context has no
     * certificate callback and never answers a server's certificate request); and at its end, returned or thrown, the
     * agent learns whether the context presents the workload certificate, so a rotation reaches its cached sessions.
     */
    static TypeHooks clientContext(String ssl) {
        String description = "static newSessionContext(ReferenceCountedOpenSslContext, ..., X509Certificate[]"
                + " keyCertChain (6th), ..., KeyManagerFactory (9th), ...)";
        MethodPattern newSessionContext = MethodPattern.named("newSessionContext")
                .isStatic()
                .takesArgument(0, descriptor(ssl + CONTEXT))
                .takesArgument(5, CERTIFICATES)
                .takesArgument(8, KEY_MANAGER_FACTORY);
        String contextBuilt = "openSslClientContextBuilt";
        return TypeHooks.of(
                        ssl + CLIENT_CONTEXT,
                        Hook.on(
                                description,
                                newSessionContext,
                                Weave.replacingArgument(
                                        8,
                                        "openSslClientKeyManagerFactory",
                                        "(" + HookTable.OBJECT + CERTIFICATES + KEY_MANAGER_FACTORY + ")"
                                                + KEY_MANAGER_FACTORY,
                                        argument(0),
                                        argument(5),
                                        argument(8))),
                        Hook.on(
                                        description,
                                        newSessionContext,
                                        Weave.atExit(contextBuilt, "(" + HookTable.OBJECT + ")V", argument(0)),
                                        Weave.observingThrown(
                                                "java/lang/Throwable",
                                                contextBuilt,
                                                "(" + HookTable.OBJECT + ")V",
                                                argument(0)))
                                .losing("its OpenSSL client contexts built from the mounted files may resume sessions"
                                        + " made with a replaced certificate"))
                .reportingTo(REPORTER, Collections.emptyList());
    }

    /**
     * {@code ReferenceCountedOpenSslServerContext}'s static {@code newSessionContext(ReferenceCountedOpenSslContext
     * thiz, ..., KeyManagerFactory (9th), ...)} (Netty 4.1.x and 4.2.x), inside which the server context turns its
     * key material into a provider ({@code providerFor}, where adoption happens): the agent learns which server
     * contexts hold the workload key, so their engines ask clients what the mode demands.
     */
    static TypeHooks serverContext(String ssl) {
        return TypeHooks.of(
                        ssl + SERVER_CONTEXT,
                        Hook.on(
                                "static newSessionContext(ReferenceCountedOpenSslContext, ..., KeyManagerFactory (9th),"
                                        + " ...)",
                                MethodPattern.named("newSessionContext")
                                        .isStatic()
                                        .takesArgument(0, descriptor(ssl + CONTEXT))
                                        .takesArgument(8, KEY_MANAGER_FACTORY),
                                Weave.atEntry("openSslServerContextStarts", "()V"),
                                Weave.atExit("openSslServerContextBuilt", "(" + HookTable.OBJECT + ")V", argument(0))))
                .reportingTo(REPORTER, Collections.singletonList(ssl + ENGINE));
    }

    /**
     * {@code ReferenceCountedOpenSslEngine}'s constructors taking the context first (Netty 4.1.x and 4.2.x), at whose
     * end the engine has the context's client-auth choice: a server engine of a context holding the workload key is
     * raised to what the mode demands, through the engine's own {@code setNeedClientAuth}/{@code setWantClientAuth};
     * and its private {@code HandshakeStatus handshake()}, which every handshake step goes through and whose
     * {@code FINISHED} says the handshake is done: where audit mode sees a client that sent no certificate, as JSSE
     * engines report it at their own end of the handshake.
     */
    static TypeHooks engine(String ssl) {
        return TypeHooks.of(
                        ssl + ENGINE,
                        Hook.on(
                                "constructor(ReferenceCountedOpenSslContext, ...)",
                                MethodPattern.constructors().takesArgument(0, descriptor(ssl + CONTEXT)),
                                Weave.atExit(
                                        "openSslEngineCreated",
                                        "(" + HookTable.OBJECT + HookTable.OBJECT + ")V",
                                        argument(0),
                                        self())),
                        Hook.on(
                                        "HandshakeStatus handshake()",
                                        MethodPattern.named("handshake")
                                                .isNotStatic()
                                                .takesArguments(0)
                                                .returns(HANDSHAKE_STATUS),
                                        Weave.replacingReturn(
                                                "openSslHandshakeStep",
                                                "(" + HANDSHAKE_STATUS + HookTable.OBJECT + ")" + HANDSHAKE_STATUS,
                                                self()))
                                .losing("mode=audit does not report clients that send its OpenSSL servers no"
                                        + " certificate"))
                .reportingTo(REPORTER, Collections.emptyList());
    }

    private static void reportUnmatched(String typeName, String problem, String consequence) {
        if (REPORTED.add(typeName + " " + problem)) {
            LoggerFactory.getLogger(NettyOpenSslInstrumentation.class)
                    .warn(
                            "{} {}: " + OpenSslContexts.UNSUPPORTED_NETTY + "; {}",
                            typeName,
                            problem,
                            consequence == null ? NO_ADOPTION : consequence);
        }
    }
}
