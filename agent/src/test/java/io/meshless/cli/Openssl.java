package io.meshless.cli;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real openssl binary as a peer. A missing binary fails the test: CI installs it (.ci/run). */
final class Openssl {

    final int code;
    final String output;

    private Openssl(int code, String output) {
        this.code = code;
        this.output = output;
    }

    static Openssl run(Path workDir, String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(Arrays.asList(args));
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            return fail(
                    "openssl is required for this test and could not be started (install it: apt-get install openssl): "
                            + e.getMessage());
        }
        try {
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                return fail("openssl " + String.join(" ", args) + " did not finish");
            }
            return new Openssl(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException | InterruptedException e) {
            return fail("openssl " + String.join(" ", args) + ": " + e);
        } finally {
            process.destroyForcibly();
        }
    }

    Openssl succeeded() {
        if (code != 0) {
            fail("openssl exited " + code + ": " + output);
        }
        return this;
    }
}
