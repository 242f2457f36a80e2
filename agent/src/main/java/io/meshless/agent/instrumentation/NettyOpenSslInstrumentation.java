package io.meshless.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.hasDescriptor;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
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
final class NettyOpenSslInstrumentation implements TypeInstrumentation {

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

    /*
     * Parameter types by name (arrays by descriptor): the matchers are built while the agent installs, possibly while the JVM is loading
     * one of these JSSE classes for the application, and a class literal here would load it a second time
     * (ClassCircularityError).
     */
    private static final String KEY_MANAGER_FACTORY = "javax.net.ssl.KeyManagerFactory";
    private static final String TRUST_MANAGERS = "[Ljavax/net/ssl/TrustManager;";
    private static final String CERTIFICATES = "[Ljava/security/cert/X509Certificate;";
    private static final String HANDSHAKE_STATUS = "javax.net.ssl.SSLEngineResult$HandshakeStatus";

    /** What an application loses when a hook (or a class it needs) is missing, unless the hook says otherwise. */
    private static final String NO_ADOPTION = "its OpenSSL contexts keep the application's key and trust material as"
            + " built (no workload certificate for clients without one, no rotation for servers built from the mounted"
            + " files, and their client authentication stays what the application chose)";

    /** (class, what is missing) already reported: one line each, however many class loaders load it. */
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    private final String typeName;
    private final List<Hook> hooks;
    private final List<String> siblings;

    private NettyOpenSslInstrumentation(String typeName, List<Hook> hooks, List<String> siblings) {
        this.typeName = typeName;
        this.hooks = hooks;
        this.siblings = siblings;
    }

    /** The hooked classes in every listed package. */
    static List<TypeInstrumentation> all() {
        List<TypeInstrumentation> all = new ArrayList<>();
        for (String ssl : SSL_PACKAGES) {
            all.add(context(ssl));
            all.add(clientContext(ssl));
            all.add(serverContext(ssl));
            all.add(engine(ssl));
        }
        return all;
    }

    /**
     * {@code ReferenceCountedOpenSslContext}'s static helpers that client and server contexts share (Netty
     * 4.1.x and 4.2.x): {@code providerFor(KeyManagerFactory, String)} and
     * {@code chooseTrustManager(TrustManager[], ...)}.
     */
    static NettyOpenSslInstrumentation context(String ssl) {
        return new NettyOpenSslInstrumentation(
                ssl + CONTEXT,
                Arrays.asList(
                        new Hook(
                                "static providerFor(KeyManagerFactory, String)",
                                isStatic()
                                        .and(named("providerFor"))
                                        .and(takesArguments(2))
                                        .and(takesArgument(0, named(KEY_MANAGER_FACTORY)))
                                        .and(takesArgument(1, named("java.lang.String"))),
                                () -> OpenSslKeyManagerFactoryAdvice.class,
                                NO_ADOPTION),
                        new Hook(
                                "static chooseTrustManager(TrustManager[], ...)",
                                isStatic()
                                        .and(named("chooseTrustManager"))
                                        .and(takesArgument(0, hasDescriptor(TRUST_MANAGERS))),
                                () -> OpenSslTrustManagersAdvice.class,
                                NO_ADOPTION)),
                Collections.singletonList(ssl + CLIENT_CONTEXT));
    }

    /**
     * {@code ReferenceCountedOpenSslClientContext}'s static {@code newSessionContext(ReferenceCountedOpenSslContext
     * thiz, ...)}, whose arguments 5 and 8 are the certificate chain and the key manager factory (Netty 4.1.x and
     * 4.2.x): a context without key material gets the agent's, and at its end the agent learns whether the context
     * presents the workload certificate, so a rotation reaches its cached sessions.
     */
    static NettyOpenSslInstrumentation clientContext(String ssl) {
        String description = "static newSessionContext(ReferenceCountedOpenSslContext, ..., X509Certificate[]"
                + " keyCertChain (6th), ..., KeyManagerFactory (9th), ...)";
        ElementMatcher<MethodDescription> newSessionContext = isStatic()
                .and(named("newSessionContext"))
                .and(takesArgument(0, named(ssl + CONTEXT)))
                .and(takesArgument(5, hasDescriptor(CERTIFICATES)))
                .and(takesArgument(8, named(KEY_MANAGER_FACTORY)));
        return new NettyOpenSslInstrumentation(
                ssl + CLIENT_CONTEXT,
                Arrays.asList(
                        new Hook(description, newSessionContext, () -> OpenSslClientKeysAdvice.class, NO_ADOPTION),
                        new Hook(
                                description,
                                newSessionContext,
                                () -> OpenSslClientContextAdvice.class,
                                "its OpenSSL client contexts built from the mounted files may resume sessions made"
                                        + " with a replaced certificate")),
                Collections.emptyList());
    }

    /**
     * {@code ReferenceCountedOpenSslServerContext}'s static {@code newSessionContext(ReferenceCountedOpenSslContext
     * thiz, ..., KeyManagerFactory (9th), ...)} (Netty 4.1.x and 4.2.x), inside which the key material is adopted:
     * marks the server contexts whose engines must ask clients what the mode demands.
     */
    static NettyOpenSslInstrumentation serverContext(String ssl) {
        return new NettyOpenSslInstrumentation(
                ssl + SERVER_CONTEXT,
                Collections.singletonList(new Hook(
                        "static newSessionContext(ReferenceCountedOpenSslContext, ..., KeyManagerFactory (9th), ...)",
                        isStatic()
                                .and(named("newSessionContext"))
                                .and(takesArgument(0, named(ssl + CONTEXT)))
                                .and(takesArgument(8, named(KEY_MANAGER_FACTORY))),
                        () -> OpenSslServerContextAdvice.class,
                        NO_ADOPTION)),
                Collections.singletonList(ssl + ENGINE));
    }

    /**
     * {@code ReferenceCountedOpenSslEngine}'s constructors taking the context first (Netty 4.1.x and 4.2.x), at
     * whose end the engine has the context's client-auth choice: raised to the mode's for adopted server contexts;
     * and its private {@code HandshakeStatus handshake()}, which every handshake step goes through and whose
     * {@code FINISHED} says the handshake is done: where audit mode sees a client that sent no certificate.
     */
    static NettyOpenSslInstrumentation engine(String ssl) {
        return new NettyOpenSslInstrumentation(
                ssl + ENGINE,
                Arrays.asList(
                        new Hook(
                                "constructor(ReferenceCountedOpenSslContext, ...)",
                                isConstructor().and(takesArgument(0, named(ssl + CONTEXT))),
                                () -> OpenSslEngineAdvice.class,
                                NO_ADOPTION),
                        new Hook(
                                "HandshakeStatus handshake()",
                                named("handshake")
                                        .and(not(isStatic()))
                                        .and(takesArguments(0))
                                        .and(returns(named(HANDSHAKE_STATUS))),
                                () -> OpenSslHandshakeAdvice.class,
                                "mode=audit does not report clients that send its OpenSSL servers no certificate")),
                Collections.emptyList());
    }

    @Override
    public String typeName() {
        return typeName;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return (builder, type, classLoader, module, protectionDomain) -> {
            DynamicType.Builder<?> result = builder;
            for (Hook hook : hooks) {
                if (type.getDeclaredMethods().filter(hook.methods).isEmpty()) {
                    reportUnmatched(type, "has no " + hook.description, hook.consequence);
                } else {
                    result = result.visit(Advice.to(hook.advice.get()).on(hook.methods));
                }
            }
            for (String sibling : siblings) {
                if (!exists(classLoader, sibling)) {
                    reportUnmatched(type, "comes without " + sibling, NO_ADOPTION);
                }
            }
            return result;
        };
    }

    private static boolean exists(ClassLoader loader, String name) {
        try {
            return ClassFileLocator.ForClassLoader.of(loader).locate(name).isResolved();
        } catch (IOException e) {
            return false;
        }
    }

    private static void reportUnmatched(TypeDescription type, String problem, String consequence) {
        if (REPORTED.add(type.getName() + " " + problem)) {
            LoggerFactory.getLogger(NettyOpenSslInstrumentation.class)
                    .warn(
                            "{} {}: this Netty version is not one the agent supports; {}",
                            type.getName(),
                            problem,
                            consequence);
        }
    }

    /** One method to advise: how to find it, how to name it and what is lost when it is missing, and the advice. */
    private static final class Hook {
        private final String description;
        private final String consequence;
        private final ElementMatcher<? super MethodDescription> methods;
        /**
         * Looked up at transformation time: the advice classes name JSSE types, and loading them while the agent
         * installs could load the JSSE class whose loading started the installation a second time.
         */
        private final Supplier<Class<?>> advice;

        Hook(
                String description,
                ElementMatcher<? super MethodDescription> methods,
                Supplier<Class<?>> advice,
                String consequence) {
            this.description = description;
            this.consequence = consequence;
            this.methods = methods;
            this.advice = advice;
        }
    }
}
