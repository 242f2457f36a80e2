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
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import org.slf4j.LoggerFactory;

/**
 * Weaves each {@link TypeHooks}' hooks into the class of exactly its name, and looks at no other class: a map
 * lookup on the internal name, then {@link HookWeaver} over the class file at hand, with ASM alone (the copy that
 * Byte Buddy carries). No member is added and the class format does not change, so the same bytes also serve a
 * retransformation; nothing is reflected on or resolved, so it also works on {@code SSLContext} while it is being
 * loaded, on the first-use path.
 */
final class NamedTypeTransformer implements ClassFileTransformer {

    private final Map<String, TypeHooks> byInternalName;

    NamedTypeTransformer(List<TypeHooks> types) {
        Map<String, TypeHooks> map = new HashMap<>();
        for (TypeHooks type : types) {
            map.put(type.internalName(), type);
        }
        this.byInternalName = Collections.unmodifiableMap(map);
    }

    @Override
    public byte[] transform(
            ClassLoader loader,
            String className,
            Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain,
            byte[] classfileBuffer) {
        TypeHooks type = className == null ? null : byInternalName.get(className);
        if (type == null) {
            return null;
        }
        try {
            return weave(type, loader, classfileBuffer);
        } catch (Throwable t) {
            LoggerFactory.getLogger(Instrumentations.class)
                    .warn("could not instrument {}: {}", type.typeName(), t.toString());
            return null;
        }
    }

    private static byte[] weave(TypeHooks type, ClassLoader loader, byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        // Flags 0: no frames or maximums computed (WovenMethod brings its own), and the constant pool and every
        // method no hook touches are copied as they are.
        ClassWriter writer = new ClassWriter(reader, 0);
        HookWeaver weaver = new HookWeaver(writer, type);
        // Frames expanded: the few a woven method adds are full ones, which cannot follow compressed ones.
        reader.accept(weaver, ClassReader.EXPAND_FRAMES);
        TypeHooks.Unmatched unmatched = type.unmatched();
        if (unmatched != null) {
            for (Hook hook : weaver.unmatched()) {
                unmatched.report(type.typeName(), "has no " + hook.description(), hook.consequence());
            }
            for (String sibling : type.siblings()) {
                if (!exists(loader, sibling)) {
                    unmatched.report(type.typeName(), "comes without " + sibling, null);
                }
            }
        }
        if (!weaver.woven()) {
            return null;
        }
        LoggerFactory.getLogger(Instrumentations.class).debug("instrumented {}", type.typeName());
        return writer.toByteArray();
    }

    private static boolean exists(ClassLoader loader, String binaryName) {
        String resource = binaryName.replace('.', '/') + ".class";
        return (loader == null ? ClassLoader.getSystemResource(resource) : loader.getResource(resource)) != null;
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
