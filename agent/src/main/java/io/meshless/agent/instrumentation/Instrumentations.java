package io.meshless.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.not;

import io.meshless.agent.bridge.MeshlessBridge;
import java.io.IOException;
import java.io.InputStream;
import java.io.ByteArrayOutputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.loading.ClassInjector;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the agent does with Byte Buddy, in one place: the bootstrap bridge and one
 * {@link AgentBuilder} that retransforms exactly the JDK types listed here, by name, without
 * class-format changes, ignoring every other class.
 */
public final class Instrumentations {
    private static final String BRIDGE = "io.meshless.agent.bridge.MeshlessBridge";

    private static final List<TypeInstrumentation> TYPES = Collections.unmodifiableList(Arrays.asList(
            new SslContextInstrumentation(),
            new HttpsUrlConnectionInstrumentation()));

    private Instrumentations() {
    }

    /** Looked up when needed, so a JVM that never uses TLS never initializes the agent's SLF4J. */
    private static Logger log() {
        return LoggerFactory.getLogger(Instrumentations.class);
    }

    /**
     * Puts {@link MeshlessBridge} into the bootstrap class loader, where instrumented JDK classes
     * can see it, and lets java.base read the module it lands in. Must run before any agent code
     * touches the bridge, so that the system class loader resolves it to the bootstrap copy.
     */
    public static void injectBridge(Instrumentation instrumentation) throws IOException, ClassNotFoundException {
        byte[] bytes = readOwnClass(BRIDGE);
        // Preferred: define the class straight in the boot loader. Appending a jar to the boot class
        // path instead makes the JVM print a CDS warning and turn class-data sharing off for the
        // application's classes, which costs start-up time; it remains the fallback.
        ClassInjector.UsingUnsafe.Factory unsafe = ClassInjector.UsingUnsafe.Factory.resolve(instrumentation);
        if (unsafe.isAvailable()) {
            unsafe.make(null).injectRaw(Collections.singletonMap(BRIDGE, bytes));
        } else {
            Path folder = Files.createTempDirectory("meshless-bridge");
            ClassInjector.UsingInstrumentation
                    .of(folder.toFile(), ClassInjector.UsingInstrumentation.Target.BOOTSTRAP, instrumentation)
                    .injectRaw(Collections.singletonMap(BRIDGE, bytes));
            // The boot loader keeps the jar open once the class is loaded: leave no file behind.
            Class.forName(BRIDGE, false, null);
            deleteQuietly(folder);
        }
        Module bridgeModule = MeshlessBridge.class.getModule();
        if (MeshlessBridge.class.getClassLoader() != null) {
            throw new IllegalStateException(BRIDGE + " was loaded by " + MeshlessBridge.class.getClassLoader()
                    + " before it reached the bootstrap class loader");
        }
        instrumentation.redefineModule(Object.class.getModule(), Collections.singleton(bridgeModule),
                Collections.emptyMap(), Collections.emptyMap(), Collections.emptySet(), Collections.emptyMap());
    }

    private static void deleteQuietly(Path folder) {
        java.io.File[] files = folder.toFile().listFiles();
        if (files != null) {
            for (java.io.File f : files) {
                if (!f.delete()) {
                    f.deleteOnExit();
                }
            }
        }
        if (!folder.toFile().delete()) {
            folder.toFile().deleteOnExit();
        }
    }

    private static byte[] readOwnClass(String name) throws IOException {
        String resource = name.replace('.', '/') + ".class";
        try (InputStream in = Instrumentations.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("the agent jar lacks " + resource);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }

    /** The one AgentBuilder: exactly the listed JDK types, by name, retransformation, no class-format changes. */
    private static AgentBuilder agentBuilder() {
        ElementMatcher.Junction<TypeDescription> ours = none();
        for (TypeInstrumentation type : TYPES) {
            ours = ours.or(named(type.typeName()));
        }
        AgentBuilder current = new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                // Describe types from their class files only: the lazy path transforms SSLContext while
                // it is being loaded, when reflecting on it would be a class circularity.
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
                .with(new ErrorLogger())
                .ignore(not(ours));
        for (TypeInstrumentation type : TYPES) {
            current = current.type(named(type.typeName())).transform(type.transformer());
        }
        return current;
    }

    /** True when one of the instrumented JDK types is already loaded (attach, or another agent used TLS). */
    public static boolean anyTargetLoaded(Instrumentation instrumentation) {
        for (Class<?> loaded : instrumentation.getAllLoadedClasses()) {
            if (loaded.getClassLoader() == null) {
                for (TypeInstrumentation type : TYPES) {
                    if (type.typeName().equals(loaded.getName())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Installs now and retransforms the listed JDK types that are already loaded. */
    public static void install(Instrumentation instrumentation) {
        agentBuilder().installOn(instrumentation);
    }

    /**
     * Installs on first need: a JDK-only transformer waits for one of the listed types to load and
     * only then builds the Byte Buddy transformer (and runs {@code beforeFirstUse}, e.g. the bridge
     * injection). A JVM that never touches TLS never loads Byte Buddy: start-up stays cheap.
     */
    public static void installLazily(Instrumentation instrumentation, Runnable beforeFirstUse) {
        java.util.Set<String> internalNames = new java.util.HashSet<>();
        for (TypeInstrumentation type : TYPES) {
            internalNames.add(type.typeName().replace('.', '/'));
        }
        // Loading these means TLS is about to be configured: a trigger, not transformed.
        java.util.Set<String> triggers = new java.util.HashSet<>(internalNames);
        triggers.add("javax/net/ssl/KeyManagerFactory");
        triggers.add("javax/net/ssl/TrustManagerFactory");
        instrumentation.addTransformer(new FirstUseTransformer(internalNames, triggers, beforeFirstUse), true);
    }

    private static final class FirstUseTransformer implements ClassFileTransformer {
        private final java.util.Set<String> internalNames;
        private final java.util.Set<String> triggers;
        private final Runnable beforeFirstUse;
        private volatile ClassFileTransformer byteBuddy;

        FirstUseTransformer(java.util.Set<String> internalNames, java.util.Set<String> triggers,
                            Runnable beforeFirstUse) {
            this.internalNames = internalNames;
            this.triggers = triggers;
            this.beforeFirstUse = beforeFirstUse;
        }

        @Override
        public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                                ProtectionDomain protectionDomain, byte[] classfileBuffer) {
            if (loader != null || className == null || !triggers.contains(className)) {
                return null;
            }
            try {
                ClassFileTransformer delegate = byteBuddy;
                if (delegate == null) {
                    synchronized (this) {
                        delegate = byteBuddy;
                        if (delegate == null) {
                            beforeFirstUse.run();
                            delegate = agentBuilder().makeRaw();
                            byteBuddy = delegate;
                        }
                    }
                }
                return internalNames.contains(className)
                        ? delegate.transform(loader, className, classBeingRedefined, protectionDomain, classfileBuffer)
                        : null;
            } catch (Throwable t) {
                log().warn("could not instrument {}: {}", className, t.toString());
                return null;
            }
        }
    }

    /** Logs failed transformations; success is silent. */
    private static final class ErrorLogger extends AgentBuilder.Listener.Adapter {
        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded,
                            Throwable throwable) {
            log().warn("could not instrument {}: {}", typeName, throwable.toString());
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader classLoader, JavaModule module,
                                     boolean loaded, net.bytebuddy.dynamic.DynamicType dynamicType) {
            log().debug("instrumented {}", type.getName());
        }
    }
}
