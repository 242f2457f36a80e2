package io.meshless.agent.it.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A JDK the child JVMs run on. Every real-peer scenario runs on both JDK 17 and Temurin 25. */
public final class Jdk {

    private final String name;
    private final Path home;

    private Jdk(String name, Path home) {
        this.name = name;
        this.home = home;
    }

    /** The JDK running the tests (JDK 17, the default {@code java} in CI). */
    public static Jdk jdk17() {
        return new Jdk("jdk17", Path.of(System.getProperty("java.home")));
    }

    /**
     * Temurin 25 from system property {@code meshless.test.jdk25}. A missing JDK is not a reason
     * to skip: {@link #javaExecutable()} fails the test that needs it.
     */
    public static Jdk jdk25() {
        String home = System.getProperty("meshless.test.jdk25", "");
        return new Jdk("jdk25", Path.of(home.isBlank() ? "/missing-meshless.test.jdk25" : home));
    }

    /** For {@code @MethodSource("io.meshless.agent.it.support.Jdk#both")}. */
    public static List<Jdk> both() {
        return List.of(jdk17(), jdk25());
    }

    public Path javaExecutable() {
        Path java = home.resolve("bin").resolve("java");
        if (!Files.isExecutable(java)) {
            throw new AssertionError(name + ": no java executable at " + java
                    + " (set system property meshless.test.jdk25 to a JDK 25 home)");
        }
        return java;
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
