package io.meshless.agent.instrumentation;

import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.function.BiFunction;

/**
 * {@code SharedSecrets.getJavaLangAccess().defineClass(null, name, bytes, null, source)}: a class in the
 * bootstrap class loader. Loaded by {@link BootClassDefiner} in a loader of its own whose parent is the
 * boot loader, so it may name JDK types only.
 *
 * <p>Reflection, because the agent compiles for Java 11 with {@code --release}, which hides JDK
 * internals, and because the package moved ({@code jdk.internal.misc} on 11,
 * {@code jdk.internal.access} from 12). The access checks see this class's module, the one java.base
 * exports the package to.
 */
public final class JavaLangAccessDefiner implements BiFunction<String, byte[], Class<?>> {

    /** Where {@code SharedSecrets} lives, newest JDKs first. */
    static final String[] ACCESS_PACKAGES = {"jdk.internal.access", "jdk.internal.misc"};

    @Override
    public Class<?> apply(String name, byte[] bytes) {
        try {
            Class<?> secrets = sharedSecrets();
            Object javaLangAccess = secrets.getMethod("getJavaLangAccess").invoke(null);
            Method define = Class.forName(secrets.getPackageName() + ".JavaLangAccess", false, null)
                    .getMethod(
                            "defineClass",
                            ClassLoader.class,
                            String.class,
                            byte[].class,
                            ProtectionDomain.class,
                            String.class);
            return (Class<?>) define.invoke(javaLangAccess, null, name, bytes, null, "meshless-agent");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("JavaLangAccess.defineClass is not usable on this JDK: " + e, e);
        }
    }

    private static Class<?> sharedSecrets() throws ClassNotFoundException {
        ClassNotFoundException missing = null;
        for (String pkg : ACCESS_PACKAGES) {
            try {
                return Class.forName(pkg + ".SharedSecrets", false, null);
            } catch (ClassNotFoundException e) {
                missing = e;
            }
        }
        throw missing;
    }
}
