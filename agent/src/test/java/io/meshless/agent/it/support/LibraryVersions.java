package io.meshless.agent.it.support;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The library versions a hook or a framework test claims, oldest and newest, as the build copied them: for a property
 * prefix {@code P} (system properties set by failsafe), each set's jars in {@code <P.lib>/<set>/lib}, the versions in
 * {@code P.versions} ({@code set=version,...}), and the test programs under {@code <P.source>/<programs>} (with
 * {@code common}, their shared code) compiled against them once per set. The agent module's sets are
 * {@code meshless.openssl.*} (see agent/pom.xml), the frameworks module's {@code meshless.frameworks.*}.
 */
public final class LibraryVersions {

    private static final Map<String, LibraryVersions> BY_PREFIX = new ConcurrentHashMap<>();
    private static final LibraryVersions OPENSSL = at("meshless.openssl");

    private final String prefix;
    private final Map<String, String> classPaths = new ConcurrentHashMap<>();

    private LibraryVersions(String prefix) {
        this.prefix = prefix;
    }

    /** The sets the build describes with system properties {@code <prefix>.source}, {@code .lib}, {@code .versions}. */
    public static LibraryVersions at(String prefix) {
        return BY_PREFIX.computeIfAbsent(prefix, LibraryVersions::new);
    }

    /**
     * For {@code @MethodSource}: (JDK, set) for both JDKs and the oldest and newest release of {@code library}, the
     * sets {@code <library>-oldest} and {@code <library>-newest} of the agent module's {@code meshless.openssl.*}.
     */
    public static Stream<Arguments> oldestAndNewestOnBothJdks(String library) {
        return OPENSSL.oldestAndNewest(library);
    }

    /** The version of a set of the agent module's, e.g. {@code netty-oldest} → {@code 4.1.127.Final}. */
    public static String version(String set) {
        return OPENSSL.versionOf(set);
    }

    /** The class path of a set of the agent module's programs; see {@link #classPathOf}. */
    public static String classPath(Path work, String programs, String set) {
        return OPENSSL.classPathOf(work, programs, set);
    }

    /** (JDK, set) for both JDKs and the sets {@code <library>-oldest} and {@code <library>-newest}. */
    public Stream<Arguments> oldestAndNewest(String library) {
        return Jdk.both().stream().flatMap(jdk -> Stream.of(library + "-oldest", library + "-newest")
                .map(set -> Arguments.of(jdk, set)));
    }

    /** {@link #oldestAndNewestOnBothJdks}, each with TLS 1.2 and 1.3 as {@code openssl s_client} names them. */
    public static Stream<Arguments> oldestAndNewestOnBothJdksAndTlsVersions(String library) {
        return oldestAndNewestOnBothJdks(library).flatMap(arguments -> Stream.of("tls1_2", "tls1_3")
                .map(protocol -> Arguments.of(arguments.get()[0], arguments.get()[1], protocol)));
    }

    /** The version of a set, e.g. {@code spring-boot-newest} → {@code 4.0.7}. */
    public String versionOf(String set) {
        Map<String, String> versions = new LinkedHashMap<>();
        for (String pair : CompiledApp.requiredProperty(prefix + ".versions").split(",")) {
            String[] kv = pair.split("=", 2);
            versions.put(kv[0].trim(), kv[1].trim());
        }
        String version = versions.get(set);
        if (version == null) {
            throw new AssertionError("no library set " + set + " in " + prefix + ".versions " + versions);
        }
        return version;
    }

    /**
     * The class path of the programs in {@code <source>/<programs>} (with {@code <source>/common}) compiled against the
     * jars of {@code set}; compiled into {@code work} on first use.
     */
    public String classPathOf(Path work, String programs, String set) {
        return classPaths.computeIfAbsent(programs + "/" + set, key -> {
            Path sources = Path.of(CompiledApp.requiredProperty(prefix + ".source"));
            Path lib = Path.of(CompiledApp.requiredProperty(prefix + ".lib"), set, "lib");
            return CompiledApp.compile(
                    List.of(sources.resolve("common"), sources.resolve(programs)),
                    CompiledApp.jarsIn(lib),
                    work.resolve("classes-" + programs + "-" + set));
        });
    }
}
