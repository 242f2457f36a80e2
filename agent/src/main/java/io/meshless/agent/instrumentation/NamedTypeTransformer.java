package io.meshless.agent.instrumentation;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.TypeResolutionStrategy;
import net.bytebuddy.dynamic.VisibilityBridgeStrategy;
import net.bytebuddy.dynamic.scaffold.InstrumentedType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.pool.TypePool;
import org.slf4j.LoggerFactory;

/**
 * Applies each {@link TypeInstrumentation}'s advice to the class of exactly its name, and looks at no
 * other class: a map lookup on the internal name, then Byte Buddy only for a listed type. What
 * {@code AgentBuilder} would do for these few names (redefinition of a frozen type: no new members, no
 * class-format change, so it also works on retransformation) without its matching, listener, caching and
 * circularity machinery, which cost about a third of the classes the agent loaded at the first TLS use.
 *
 * <p>Types are described from class files only (the type being transformed from the bytes at hand, the
 * rest through its class loader's resources): the first-use path transforms {@code SSLContext} while it
 * is being loaded, when reflecting on it would be a class circularity.
 */
final class NamedTypeTransformer implements ClassFileTransformer {

    private final Map<String, TypeInstrumentation> byInternalName;
    private final ByteBuddy byteBuddy;

    NamedTypeTransformer(List<TypeInstrumentation> types) {
        Map<String, TypeInstrumentation> map = new HashMap<>();
        for (TypeInstrumentation type : types) {
            map.put(type.typeName().replace('.', '/'), type);
        }
        this.byInternalName = Collections.unmodifiableMap(map);
        this.byteBuddy = new ByteBuddy()
                .with(TypeValidation.DISABLED)
                .with(Implementation.Context.Disabled.Factory.INSTANCE)
                .with(InstrumentedType.Factory.Default.FROZEN)
                .with(VisibilityBridgeStrategy.Default.NEVER)
                .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE);
    }

    @Override
    public byte[] transform(
            ClassLoader loader,
            String className,
            Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain,
            byte[] classfileBuffer) {
        TypeInstrumentation instrumentation = className == null ? null : byInternalName.get(className);
        if (instrumentation == null) {
            return null;
        }
        try {
            return transform(instrumentation, loader, protectionDomain, classfileBuffer);
        } catch (Throwable t) {
            LoggerFactory.getLogger(Instrumentations.class)
                    .warn("could not instrument {}: {}", instrumentation.typeName(), t.toString());
            return null;
        }
    }

    private byte[] transform(
            TypeInstrumentation instrumentation, ClassLoader loader, ProtectionDomain protectionDomain, byte[] bytes) {
        String name = instrumentation.typeName();
        ClassFileLocator locator = new ClassFileLocator.Compound(
                ClassFileLocator.Simple.of(name, bytes),
                loader == null
                        ? ClassFileLocator.ForClassLoader.ofBootLoader()
                        : ClassFileLocator.ForClassLoader.of(loader));
        TypePool pool = new TypePool.Default.WithLazyResolution(
                new TypePool.CacheProvider.Simple(), locator, TypePool.Default.ReaderMode.FAST);
        TypeDescription type = pool.describe(name).resolve();
        DynamicType.Builder<?> builder = byteBuddy.redefine(type, locator);
        builder = instrumentation.transformer().transform(builder, type, loader, null, protectionDomain);
        byte[] transformed =
                builder.make(TypeResolutionStrategy.Disabled.INSTANCE, pool).getBytes();
        LoggerFactory.getLogger(Instrumentations.class).debug("instrumented {}", name);
        return transformed;
    }

    /** Registers this transformer and retransforms the listed types that are loaded already. */
    void installOn(Instrumentation instrumentation) {
        instrumentation.addTransformer(this, true);
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (byInternalName.containsKey(type.getName().replace('.', '/'))
                    && instrumentation.isModifiableClass(type)) {
                loaded.add(type);
            }
        }
        if (loaded.isEmpty()) {
            return;
        }
        try {
            instrumentation.retransformClasses(loaded.toArray(new Class<?>[0]));
        } catch (UnmodifiableClassException | RuntimeException e) {
            LoggerFactory.getLogger(Instrumentations.class).warn("could not retransform {}: {}", loaded, e.toString());
        }
    }
}
