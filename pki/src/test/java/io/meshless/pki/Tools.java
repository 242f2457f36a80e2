package io.meshless.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real openssl and keytool binaries. A missing binary fails the test (CI installs
 * openssl; keytool comes with the JDK running the tests): these tests must never be skipped.
 */
final class Tools {
    private Tools() {}

    static String openssl(Path workDir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(Arrays.asList(args));
        return run(workDir, cmd, true);
    }

    /**
     * {@code openssl x509 -req}: signs the request {@code csr} with {@code ca}.crt and {@code ca}.key into
     * {@code out}, valid two days; {@code options} add to it ({@code -extfile}, {@code -passin}, ...).
     */
    static void signRequest(Path workDir, String csr, String ca, String out, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "x509",
                "-req",
                "-in",
                csr,
                "-CA",
                ca + ".crt",
                "-CAkey",
                ca + ".key",
                "-CAcreateserial",
                "-days",
                "2"));
        args.addAll(Arrays.asList(options));
        args.add("-out");
        args.add(out);
        openssl(workDir, args.toArray(new String[0]));
    }

    /** Runs openssl and returns its output even when it fails (for commands expected to fail). */
    static Result opensslResult(Path workDir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(Arrays.asList(args));
        return exec(workDir, cmd);
    }

    /** Runs any binary that must succeed (mkfifo, ...). */
    static String run(Path workDir, String... cmd) throws Exception {
        return run(workDir, Arrays.asList(cmd), true);
    }

    static String keytool(Path workDir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(Arrays.asList(args));
        return run(workDir, cmd, true);
    }

    static final class Result {
        final int exit;
        final String output;

        Result(int exit, String output) {
            this.exit = exit;
            this.output = output;
        }
    }

    private static String run(Path workDir, List<String> cmd, boolean mustSucceed) throws Exception {
        Result r = exec(workDir, cmd);
        if (mustSucceed && r.exit != 0) {
            throw new AssertionError(String.join(" ", cmd) + " exited " + r.exit + ":\n" + r.output);
        }
        return r.output;
    }

    private static Result exec(Path workDir, List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new AssertionError(
                    "cannot run " + cmd.get(0) + " (install it: CI runs 'apt-get install openssl'): " + e.getMessage(),
                    e);
        }
        try {
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError(String.join(" ", cmd) + " did not finish");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }
}
