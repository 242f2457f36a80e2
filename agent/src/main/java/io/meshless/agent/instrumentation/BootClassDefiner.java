package io.meshless.agent.instrumentation;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Defines a class in the bootstrap class loader through the JDK's own
 * {@code SharedSecrets.getJavaLangAccess().defineClass(null, ...)}: no {@code sun.misc.Unsafe} (which
 * JDK 24+ warns about on stderr) and no appended boot class path (which turns class-data sharing off
 * for the application's classes).
 *
 * <p>The call is made by {@link JavaLangAccessDefiner}, loaded by a loader of its own: java.base exports
 * its internal access package to that loader's unnamed module alone. Exporting it to the module the
 * agent's classes are in, the system loader's unnamed module, would hand {@code SharedSecrets} to
 * every library on the application's class path.
 */
final class BootClassDefiner {

    private BootClassDefiner() {}

    /**
     * Defines each class (binary name to class file) in the bootstrap class loader, in the map's order.
     *
     * @throws ReflectiveOperationException when this JDK offers no usable {@code JavaLangAccess.defineClass}
     */
    static void define(Instrumentation instrumentation, Map<String, byte[]> classes)
            throws IOException, ReflectiveOperationException {
        String definerName = JavaLangAccessDefiner.class.getName();
        Class<?> isolated =
                Class.forName(definerName, true, new SingleClassLoader(definerName, ownClassBytes(definerName)));
        Module javaBase = Object.class.getModule();
        String accessPackage = null;
        for (String candidate : JavaLangAccessDefiner.ACCESS_PACKAGES) {
            if (javaBase.getPackages().contains(candidate)) {
                accessPackage = candidate;
                break;
            }
        }
        if (accessPackage == null) {
            throw new ClassNotFoundException(
                    "java.base has none of " + Arrays.toString(JavaLangAccessDefiner.ACCESS_PACKAGES));
        }
        instrumentation.redefineModule(
                javaBase,
                Collections.emptySet(),
                Collections.singletonMap(accessPackage, Collections.singleton(isolated.getModule())),
                Collections.emptyMap(),
                Collections.emptySet(),
                Collections.emptyMap());
        @SuppressWarnings("unchecked")
        BiFunction<String, byte[], Class<?>> definer = (BiFunction<String, byte[], Class<?>>)
                isolated.getDeclaredConstructor().newInstance();
        for (Map.Entry<String, byte[]> type : classes.entrySet()) {
            definer.apply(type.getKey(), type.getValue());
        }
    }

    /** The class file of one of the agent's own classes, as the agent jar holds it. */
    static byte[] ownClassBytes(String name) throws IOException {
        String resource = name.replace('.', '/') + ".class";
        try (InputStream in = BootClassDefiner.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("the agent jar lacks " + resource);
            }
            return in.readAllBytes();
        }
    }

    /** Defines one class from bytes; everything else comes from the boot loader, nothing from the class path. */
    private static final class SingleClassLoader extends ClassLoader {
        private final String name;
        private final byte[] bytes;

        SingleClassLoader(String name, byte[] bytes) {
            super(null);
            this.name = name;
            this.bytes = bytes;
        }

        @Override
        protected Class<?> findClass(String className) throws ClassNotFoundException {
            if (!className.equals(name)) {
                throw new ClassNotFoundException(className);
            }
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
