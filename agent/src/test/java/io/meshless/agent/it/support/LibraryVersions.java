package io.meshless.agent.it.support;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The library versions a hook claims, oldest and newest, as the build copied them (system properties
 * {@code meshless.openssl.*}, see agent/pom.xml): each set's jars in {@code target/openssl-apps/<set>/lib}, and the
 * test programs under {@code src/test/openssl-apps/<programs>} (with {@code common}, their line protocol) compiled
 * against them once per set.
 */
public final class LibraryVersions {

    private static final Map<String, String> CLASS_PATHS = new ConcurrentHashMap<>();

    private LibraryVersions() {}

    /**
     * For {@code @MethodSource}: (JDK, set) for both JDKs and the oldest and newest release of {@code library}, the
     * sets {@code <library>-oldest} and {@code <library>-newest}.
     */
    public static Stream<Arguments> oldestAndNewestOnBothJdks(String library) {
        return Jdk.both().stream().flatMap(jdk -> Stream.of(library + "-oldest", library + "-newest")
                .map(set -> Arguments.of(jdk, set)));
    }

    /** {@link #oldestAndNewestOnBothJdks}, each with TLS 1.2 and 1.3 as {@code openssl s_client} names them. */
    public static Stream<Arguments> oldestAndNewestOnBothJdksAndTlsVersions(String library) {
        return oldestAndNewestOnBothJdks(library).flatMap(arguments -> Stream.of("tls1_2", "tls1_3")
                .map(protocol -> Arguments.of(arguments.get()[0], arguments.get()[1], protocol)));
    }

    /** The version of a set, e.g. {@code netty-oldest} → {@code 4.1.127.Final}. */
    public static String version(String set) {
        Map<String, String> versions = new LinkedHashMap<>();
        for (String pair :
                CompiledApp.requiredProperty("meshless.openssl.versions").split(",")) {
            String[] kv = pair.split("=", 2);
            versions.put(kv[0].trim(), kv[1].trim());
        }
        String version = versions.get(set);
        if (version == null) {
            throw new AssertionError("no library set " + set + " in meshless.openssl.versions " + versions);
        }
        return version;
    }

    /**
     * The class path of the programs in {@code src/test/openssl-apps/<programs>} compiled against the jars of
     * {@code set}; compiled into {@code work} on first use.
     */
    public static String classPath(Path work, String programs, String set) {
        return CLASS_PATHS.computeIfAbsent(programs + "/" + set, key -> {
            Path sources = Path.of(CompiledApp.requiredProperty("meshless.openssl.source"));
            Path lib = Path.of(CompiledApp.requiredProperty("meshless.openssl.lib"), set, "lib");
            return CompiledApp.compile(
                    List.of(sources.resolve("common"), sources.resolve(programs)),
                    CompiledApp.jarsIn(lib),
                    work.resolve("classes-" + programs + "-" + set));
        });
    }
}
