package io.meshless.agent.instrumentation;

import io.meshless.agent.bridge.MeshlessBridge;
import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.bytebuddy.dynamic.loading.ClassInjector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the agent changes in other classes, in one place: the bootstrap bridge and the hooks of
 * {@link HookTable}. {@link NamedTypeTransformer} weaves them into exactly the types listed there, by
 * name, without class-format changes, and looks at no other class. The JDK types are in the boot
 * loader; the HTTP libraries' host-name verifiers and Netty's OpenSSL contexts load in the application's
 * class loaders, under their exact names.
 */
public final class Instrumentations {
    private static final String BRIDGE = "io.meshless.agent.bridge.MeshlessBridge";

    /** The bridge and the classes its methods name, defined in this order. */
    private static final String[] BRIDGE_CLASSES = {BRIDGE + "$Hooks", BRIDGE + "$Managers", BRIDGE};

    private static final List<TypeHooks> TYPES = HookTable.all();

    private Instrumentations() {}

    /** Looked up when needed, so a JVM that never uses TLS never initializes the agent's SLF4J. */
    private static Logger log() {
        return LoggerFactory.getLogger(Instrumentations.class);
    }

    /**
     * Puts {@link MeshlessBridge} (with its {@code Hooks} and {@code Managers}) into the bootstrap class
     * loader, where instrumented JDK classes can see it, and lets java.base read the module it lands in.
     * Must run before any agent code touches the bridge, so that the system class loader resolves it to
     * the bootstrap copy.
     */
    public static void injectBridge(Instrumentation instrumentation) throws IOException, ClassNotFoundException {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        for (String name : BRIDGE_CLASSES) {
            classes.put(name, BootClassDefiner.ownClassBytes(name));
        }
        // Preferred: define the class straight in the boot loader. Appending a jar to the boot class
        // path instead makes the JVM print a CDS warning and turn class-data sharing off for the
        // application's classes, which costs start-up time; it remains the fallback. Byte Buddy's
        // UsingUnsafe is not used: JDK 24+ prints a warning on stderr for sun.misc.Unsafe, and so
        // does merely probing it with isAvailable().
        try {
            BootClassDefiner.define(instrumentation, classes);
        } catch (RuntimeException | ReflectiveOperationException | LinkageError e) {
            log().debug(
                            "defining the bridge through JavaLangAccess failed ({}); appending it to the boot class path",
                            e.toString());
            Path folder = Files.createTempDirectory("meshless-bridge");
            ClassInjector.UsingInstrumentation.of(
                            folder.toFile(), ClassInjector.UsingInstrumentation.Target.BOOTSTRAP, instrumentation)
                    .injectRaw(classes);
            // The boot loader keeps the jar open once the class is loaded: leave no file behind.
            Class.forName(BRIDGE, false, null);
            deleteQuietly(folder);
        }
        Module bridgeModule = MeshlessBridge.class.getModule();
        if (MeshlessBridge.class.getClassLoader() != null) {
            throw new IllegalStateException(BRIDGE + " was loaded by " + MeshlessBridge.class.getClassLoader()
                    + " before it reached the bootstrap class loader");
        }
        // Woven types call the bridge from their own module: java.base's, and java.management's for the
        // status MBean hook (absent from a runtime image built without it).
        readBridge(instrumentation, Object.class.getModule(), bridgeModule);
        Optional<Module> management = ModuleLayer.boot().findModule("java.management");
        if (management.isPresent()) {
            readBridge(instrumentation, management.get(), bridgeModule);
        }
    }

    private static void readBridge(Instrumentation instrumentation, Module reader, Module bridgeModule) {
        instrumentation.redefineModule(
                reader,
                Collections.singleton(bridgeModule),
                Collections.emptyMap(),
                Collections.emptyMap(),
                Collections.emptySet(),
                Collections.emptyMap());
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

    /** The types transformed here, by binary name. */
    public static List<String> typeNames() {
        List<String> names = new java.util.ArrayList<>();
        for (TypeHooks type : TYPES) {
            names.add(type.typeName());
        }
        return names;
    }

    /** Installs now and retransforms the listed JDK types that are already loaded. */
    public static void install(Instrumentation instrumentation) {
        new NamedTypeTransformer(TYPES).installOn(instrumentation);
    }

    /**
     * The same hooks as a transformer, not registered: for a caller that sees one of the listed
     * types while it is being loaded (the agent's first-use trigger) and hands it, and the later ones, here.
     * A listed type that loads before that trigger must itself be a trigger, or it stays untransformed.
     */
    public static ClassFileTransformer transformer() {
        return new NamedTypeTransformer(TYPES);
    }
}
