package io.meshless.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built jar as users run it: {@code java -jar meshless-agent.jar <command>}, in a child process. */
class MeshlessJarIT {

    @TempDir
    Path tmp;

    private static Path jar() {
        Path jar = Paths.get(System.getProperty("meshless.agent.jar", "target/meshless-agent.jar"));
        assertThat(jar).as("the built agent jar (run 'package' first)").isRegularFile();
        return jar;
    }

    private static String java(String home) {
        return Paths.get(home, "bin", "java").toString();
    }

    private static Run onJdk(String javaBinary, String... args) {
        List<String> command = new ArrayList<>(Arrays.asList(javaBinary, "-jar", jar().toString()));
        command.addAll(Arrays.asList(args));
        Process process = null;
        try {
            File out = Files.createTempFile("meshless-out", ".txt").toFile();
            File err = Files.createTempFile("meshless-err", ".txt").toFile();
            process = new ProcessBuilder(command)
                    .redirectOutput(out)
                    .redirectError(err)
                    .start();
            process.getOutputStream().close();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                return fail("did not finish: " + command);
            }
            Run run = new Run(
                    process.exitValue(),
                    Files.readString(out.toPath(), StandardCharsets.UTF_8),
                    Files.readString(err.toPath(), StandardCharsets.UTF_8));
            out.delete();
            err.delete();
            return run;
        } catch (IOException | InterruptedException e) {
            return fail(command + ": " + e);
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
        }
    }

    private static Run meshless(String... args) {
        return onJdk(java(System.getProperty("java.home")), args);
    }

    private static final class Run {
        final int code;
        final String out;
        final String err;

        Run(int code, String out, String err) {
            this.code = code;
            this.out = out;
            this.err = err;
        }
    }

    @Test
    void createsCaIssuesAndInspectsThroughTheJar() {
        Path ca = tmp.resolve("ca");
        Path orders = tmp.resolve("orders");

        Run create = meshless("ca", "create", "--out", ca.toString());
        Run issue = meshless(
                "issue",
                "--ca",
                ca.toString(),
                "--namespace",
                "shop",
                "--service-account",
                "orders",
                "--out",
                orders.toString());
        Run inspect = meshless("inspect", orders.toString());

        assertThat(create.code).as(create.err).isZero();
        assertThat(issue.code).as(issue.err).isZero();
        assertThat(inspect.code).as(inspect.err).isZero();
        assertThat(inspect.out)
                .contains("spiffe://cluster.local/ns/shop/sa/orders")
                .contains("check:        OK");
        // Nothing else chatters on stderr (no logging binding warnings from the shaded libraries).
        assertThat(create.err + issue.err + inspect.err).isEmpty();
        Openssl.run(orders, "verify", "-CAfile", "ca.crt", "tls.crt").succeeded();
    }

    @Test
    void exitCodesAndOneLineReasons() {
        Run help = meshless("--help");
        assertThat(help.code).isZero();
        assertThat(help.out)
                .contains("ca create")
                .contains("issue")
                .contains("inspect")
                .contains("status");

        Run usage = meshless("issue", "--bogus");
        assertThat(usage.code).isEqualTo(2);
        assertThat(usage.err.trim())
                .isEqualTo("meshless issue: unknown option --bogus; expected one of --ca, --ca-password,"
                        + " --spiffe-id, --namespace, --service-account, --trust-domain, --dns, --ip, --key-type, --hours, --out,"
                        + " --kubelet, --pkcs12, --jks, --password, --json (see 'meshless issue --help')");

        Path missing = tmp.resolve("missing");
        Run failure = meshless("inspect", missing.toString());
        assertThat(failure.code).isEqualTo(1);
        assertThat(failure.err).isEqualTo("meshless inspect: " + missing + ": no such file or directory\n");
    }

    @Test
    void runsOnJdk25Too() {
        String jdk25 = System.getProperty("meshless.test.jdk25");
        assertThat(jdk25).as("system property meshless.test.jdk25").isNotBlank();
        Path ca = tmp.resolve("ca");
        Path leaf = tmp.resolve("leaf");

        Run create = onJdk(java(jdk25), "ca", "create", "--out", ca.toString());
        Run issue = onJdk(
                java(jdk25),
                "issue",
                "--ca",
                ca.toString(),
                "--spiffe-id",
                "spiffe://cluster.local/ns/a/sa/b",
                "--out",
                leaf.toString(),
                "--json");

        assertThat(create.code).as(create.err).isZero();
        assertThat(issue.code).as(issue.err).isZero();
        assertThat(issue.out).startsWith("{\"identity\":\"spiffe://cluster.local/ns/a/sa/b\"");
    }
}
