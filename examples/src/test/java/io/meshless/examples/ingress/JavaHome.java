package io.meshless.examples.ingress;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A JDK the meshed app runs on: the one running the tests (17) and Temurin 25. */
final class JavaHome {

    private final String name;
    private final Path home;

    private JavaHome(String name, Path home) {
        this.name = name;
        this.home = home;
    }

    /** For {@code @MethodSource}: JDK 17 and Temurin 25 ({@code meshless.test.jdk25}); a missing one fails, never skips. */
    static List<JavaHome> both() {
        String jdk25 = System.getProperty("meshless.test.jdk25", "");
        return List.of(
                new JavaHome("jdk17", Path.of(System.getProperty("java.home"))),
                new JavaHome("jdk25", Path.of(jdk25.isBlank() ? "/missing-meshless.test.jdk25" : jdk25)));
    }

    Path executable() {
        Path java = home.resolve("bin").resolve("java");
        if (!Files.isExecutable(java)) {
            throw new AssertionError(name + ": no java executable at " + java
                    + " (set system property meshless.test.jdk25 to a JDK 25 home)");
        }
        return java;
    }

    @Override
    public String toString() {
        return name;
    }
}
