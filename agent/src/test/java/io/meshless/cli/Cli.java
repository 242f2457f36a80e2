package io.meshless.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collections;
import java.util.Map;

/** Runs the command line in-process and keeps what it printed. */
final class Cli {

    final int code;
    final String out;
    final String err;

    private Cli(int code, String out, String err) {
        this.code = code;
        this.out = out;
        this.err = err;
    }

    /** The real entry point: system clock, this JVM's properties and environment. */
    static Cli run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = MeshlessCommand.run(args, print(out), print(err));
        return new Cli(code, text(out), text(err));
    }

    /** With a chosen clock, system properties and environment (for status and time-dependent checks). */
    static Cli run(Clock clock, Map<String, String> systemProperties, Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = MeshlessCommand.standard(clock, systemProperties::get, environment::get)
                .execute(args, print(out), print(err));
        return new Cli(code, text(out), text(err));
    }

    static Cli runWithEnvironment(Map<String, String> environment, String... args) {
        return run(Clock.systemUTC(), Collections.emptyMap(), environment, args);
    }

    /** Exit 0, nothing on stderr. */
    Cli succeeded() {
        assertThat(code).as("exit code; stderr: %s", err).isZero();
        assertThat(err).isEmpty();
        return this;
    }

    /** Exit 1 with exactly one line on stderr containing every fragment. */
    Cli failedWith(String... fragments) {
        return exited(MeshlessCommand.FAILED, fragments);
    }

    /** Exit 2 with exactly one line on stderr containing every fragment. */
    Cli badUsage(String... fragments) {
        return exited(MeshlessCommand.USAGE, fragments);
    }

    private Cli exited(int expected, String... fragments) {
        assertThat(code).as("exit code; stdout: %s stderr: %s", out, err).isEqualTo(expected);
        assertThat(err).endsWith("\n");
        assertThat(err.trim()).as("one line on stderr").doesNotContain("\n").startsWith("meshless");
        for (String fragment : fragments) {
            assertThat(err).contains(fragment);
        }
        return this;
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private static String text(ByteArrayOutputStream bytes) {
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }
}
