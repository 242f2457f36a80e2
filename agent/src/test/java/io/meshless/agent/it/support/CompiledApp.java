package io.meshless.agent.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A test application that is not on the test class path: compiled at test time against the library jars of one
 * version (copied by maven-dependency-plugin), and run in a child JVM with exactly those jars, as in production.
 */
public final class CompiledApp {

    private CompiledApp() {}

    /**
     * Compiles every {@code .java} file under {@code sourceRoot} against {@code jars} into {@code out}.
     *
     * @return the application's class path: {@code out}, then the jars
     */
    public static String compile(Path sourceRoot, List<Path> jars, Path out) {
        return compile(List.of(sourceRoot), jars, out);
    }

    /** The same for the sources under several roots, compiled together. */
    public static String compile(List<Path> sourceRoots, List<Path> jars, Path out) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("the tests run on a JDK with javac").isNotNull();
        List<String> sources =
                sourceRoots.stream().flatMap(CompiledApp::javaFiles).collect(Collectors.toList());
        assertThat(sources).as("application sources under %s", sourceRoots).isNotEmpty();
        String libraries = jars.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        List<String> args = Stream.concat(
                        Stream.of("--release", "17", "-nowarn", "-d", out.toString(), "-cp", libraries),
                        sources.stream())
                .collect(Collectors.toList());
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int code = javac.run(null, diagnostics, diagnostics, args.toArray(new String[0]));
        assertThat(code)
                .as("javac %s\n%s", args, diagnostics.toString(StandardCharsets.UTF_8))
                .isZero();
        return out + File.pathSeparator + libraries;
    }

    private static Stream<String> javaFiles(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files
                    .filter(f -> f.toString().endsWith(".java"))
                    .map(Path::toString)
                    .collect(Collectors.toList())
                    .stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jars in {@code lib}, sorted; fails clearly when the build has not copied them. */
    public static List<Path> jarsIn(Path lib) {
        try (Stream<Path> files = Files.list(lib)) {
            return files.filter(f -> f.toString().endsWith(".jar")).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new AssertionError(
                    lib + ": the application's libraries are missing; run the ITs with `mvn verify`", e);
        }
    }

    /** A system property the build sets for the ITs (failsafe), or a clear failure. */
    public static String requiredProperty(String name) {
        String value = System.getProperty(name, "");
        if (value.isBlank() || value.contains("${")) {
            throw new AssertionError("system property " + name + " is not set: run the ITs with `mvn verify`");
        }
        return value;
    }
}
