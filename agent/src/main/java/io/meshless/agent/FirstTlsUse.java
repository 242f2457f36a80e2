package io.meshless.agent;

import io.meshless.agent.config.AgentConfig;
import io.meshless.agent.config.ConfigException;
import io.meshless.agent.config.ConfigKey;
import io.meshless.agent.config.LogLevel;
import io.meshless.agent.config.Mode;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;

/**
 * All that premain does in a JVM that has not touched TLS yet: it validates the configuration (so a
 * mistake is reported at start-up, not at the first handshake) and leaves this transformer waiting for
 * the first JSSE class the agent cares about (or HTTP library host-name verifier, see
 * {@link #LIBRARY_VERIFIERS}). Only when that class loads does {@link MeshlessAgent}
 * load, and with it the JSSE provider, SLF4J, the certificates and the bytecode weaver.
 *
 * <p>Everything here runs before the application's {@code main}, so it is written for start-up time:
 * JDK types and the config classes only, no lambdas, method references or streams (the first one
 * bootstraps {@code java.lang.invoke}, which the JVM otherwise never needs for a small program).
 * Called directly by {@code AgentBootstrap}; never throws into the application.
 */
public final class FirstTlsUse implements ClassFileTransformer {
    /** How the line starts that says the configuration is invalid and the agent installs nothing. */
    public static final String CONFIGURATION_ERROR = "[meshless] configuration error, the agent installs nothing";

    /**
     * Internal names of the JDK types {@code Instrumentations} transforms; with {@link #LIBRARY_VERIFIERS} and
     * {@link #LIBRARY_HOOKS} exactly its list (a test keeps them in step).
     */
    static final String[] INSTRUMENTED = {
        "javax/net/ssl/SSLContext",
        "javax/net/ssl/HttpsURLConnection",
        "sun/security/ssl/SSLSessionImpl",
        "sun/security/ssl/SSLServerSocketImpl",
        "sun/security/ssl/SSLSocketImpl",
        "sun/security/ssl/TransportContext"
    };

    /**
     * Internal names of the HTTP libraries' host-name verifiers {@code Instrumentations} transforms, in
     * whichever class loader they load. They also trigger the start: they may load before any JSSE class
     * (OkHttp's client builder names its verifier first), and a library about to verify host names is
     * about to use TLS.
     */
    static final String[] LIBRARY_VERIFIERS = {
        "okhttp3/internal/tls/OkHostnameVerifier", "org/apache/hc/client5/http/ssl/DefaultHostnameVerifier",
        "org/apache/http/conn/ssl/DefaultHostnameVerifier", "org/apache/http/conn/ssl/AbstractVerifier"
    };

    /**
     * Internal names of Netty's OpenSSL contexts {@code Instrumentations} transforms, in Netty's own package and in
     * the relocated copies {@code NettyOpenSslInstrumentation.SSL_PACKAGES} lists. Triggers as well: an OpenSSL
     * context may be built before any JSSE factory class loads.
     */
    static final String[] LIBRARY_HOOKS = {
        "io/netty/handler/ssl/ReferenceCountedOpenSslContext",
        "io/netty/handler/ssl/ReferenceCountedOpenSslClientContext",
        "io/netty/handler/ssl/ReferenceCountedOpenSslServerContext",
        "io/netty/handler/ssl/ReferenceCountedOpenSslEngine",
        "io/grpc/netty/shaded/io/netty/handler/ssl/ReferenceCountedOpenSslContext",
        "io/grpc/netty/shaded/io/netty/handler/ssl/ReferenceCountedOpenSslClientContext",
        "io/grpc/netty/shaded/io/netty/handler/ssl/ReferenceCountedOpenSslServerContext",
        "io/grpc/netty/shaded/io/netty/handler/ssl/ReferenceCountedOpenSslEngine"
    };

    /**
     * Internal names of JDK types {@code Instrumentations} transforms whose loading says nothing about TLS: woven when
     * they load after the start; when they load before it, the agent is told ({@code ManagementFactory}: someone uses
     * JMX already, so the status MBean is registered at the start instead of when the platform MBeanServer is first
     * asked for).
     */
    static final String[] OBSERVED = {"java/lang/management/ManagementFactory"};

    private static final String MANAGEMENT_FACTORY = OBSERVED[0];

    /** Loading one of these means TLS is about to be configured; they are not transformed themselves. */
    private static final String[] ALSO_TRIGGERING = {
        "javax/net/ssl/KeyManagerFactory", "javax/net/ssl/TrustManagerFactory"
    };

    /** What the transformer delegates to after a failed start: nothing, and no second attempt. */
    private static final ClassFileTransformer NOTHING = new ClassFileTransformer() {};

    private final AgentConfig config;
    private final Instrumentation instrumentation;
    private volatile ClassFileTransformer delegate;
    /** Guarded by {@code this}: whether ManagementFactory loaded before the start. */
    private boolean managementInUse;

    private FirstTlsUse(AgentConfig config, Instrumentation instrumentation, boolean managementInUse) {
        this.config = config;
        this.instrumentation = instrumentation;
        this.managementInUse = managementInUse;
    }

    /** Entry point from the bootstrap class, for {@code -javaagent} and for attach. */
    public static void install(String agentArgument, Instrumentation instrumentation, boolean attached) {
        AgentConfig config;
        try {
            config = AgentConfig.fromEnvironment(agentArgument);
        } catch (ConfigException e) {
            System.err.println(CONFIGURATION_ERROR + ": " + e.getMessage());
            return;
        }
        if (config.mode() == Mode.OFF) {
            if (config.logLevel().allows(LogLevel.INFO)) {
                System.err.println(
                        "[meshless] mode=off (" + config.setting(ConfigKey.MODE).source() + "): installing nothing");
            }
            return;
        }
        if (attached) {
            MeshlessAgent.install(config, instrumentation, true);
            return;
        }
        boolean managementInUse = false;
        String managementFactory = MANAGEMENT_FACTORY.replace('/', '.');
        for (Class<?> loaded : instrumentation.getAllLoadedClasses()) {
            if (loaded.getClassLoader() != null) {
                continue;
            }
            String name = loaded.getName();
            if (isTlsPackage(name) && contains(INSTRUMENTED, name.replace('.', '/'))) {
                // Too late to wait: the JDK's TLS classes are in use already (another agent).
                MeshlessAgent.install(config, instrumentation, false);
                return;
            }
            managementInUse |= name.equals(managementFactory);
        }
        instrumentation.addTransformer(new FirstTlsUse(config, instrumentation, managementInUse), true);
    }

    /** Either separator: a cheap first test before the name lists are searched. */
    private static boolean isTlsPackage(String name) {
        return name.startsWith("javax") && (name.startsWith("javax/net/ssl/") || name.startsWith("javax.net.ssl."))
                || name.startsWith("sun")
                        && (name.startsWith("sun/security/ssl/") || name.startsWith("sun.security.ssl."));
    }

    private static boolean contains(String[] names, String name) {
        for (String n : names) {
            if (n.equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Sees every class the JVM loads from now on, so the common case is one or two cheap tests. On the
     * first trigger it installs the agent, then hands this and every later instrumented type to the
     * hooks' weaver: the type that triggered is still being loaded, so it is transformed here rather than
     * retransformed.
     */
    @Override
    public byte[] transform(
            ClassLoader loader,
            String className,
            Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain,
            byte[] classfileBuffer) {
        if (className == null) {
            return null;
        }
        boolean instrumented;
        if (loader == null) {
            if (!isTlsPackage(className)) {
                return className.equals(MANAGEMENT_FACTORY)
                        ? observed(loader, className, classBeingRedefined, protectionDomain, classfileBuffer)
                        : null;
            }
            instrumented = contains(INSTRUMENTED, className);
            if (!instrumented && !contains(ALSO_TRIGGERING, className)) {
                return null;
            }
        } else if (contains(LIBRARY_VERIFIERS, className) || contains(LIBRARY_HOOKS, className)) {
            // No package pre-filter: String.equals rejects most names on their length, and a second list
            // of prefixes is one more place a new verifier would have to be added.
            instrumented = true;
        } else {
            return null;
        }
        try {
            ClassFileTransformer current = delegate;
            if (current == null) {
                synchronized (this) {
                    current = delegate;
                    if (current == null) {
                        ClassFileTransformer hooks =
                                MeshlessAgent.installAtFirstUse(config, instrumentation, managementInUse);
                        current = hooks == null ? NOTHING : hooks;
                        delegate = current;
                    }
                }
            }
            return instrumented
                    ? current.transform(loader, className, classBeingRedefined, protectionDomain, classfileBuffer)
                    : null;
        } catch (Throwable t) {
            if (delegate == null) {
                delegate = NOTHING; // the agent did not start: never try again on a later class
            }
            try {
                System.err.println("[meshless] could not instrument " + className + ": " + t);
            } catch (Throwable ignored) {
                // stderr itself is broken: there is nobody left to tell.
            }
            return null;
        }
    }

    /** A type in {@link #OBSERVED}: woven after the start, noted before it. */
    private byte[] observed(
            ClassLoader loader,
            String className,
            Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain,
            byte[] classfileBuffer) {
        ClassFileTransformer current;
        synchronized (this) {
            current = delegate;
            if (current == null) {
                managementInUse = true;
                return null;
            }
        }
        try {
            return current.transform(loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
        } catch (Throwable t) {
            return null; // unwoven: the status MBean is what is lost, never the application's class
        }
    }
}
