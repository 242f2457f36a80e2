package io.meshless.injector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden tests for {@code inject -f}: each input in src/test/resources/inject has the expected
 * output next to it ({@code <name>.injected.yaml}), reviewed by hand.
 */
class InjectCommandTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "pod",
                "deployment",
                "statefulset",
                "daemonset",
                "replicaset",
                "job",
                "cronjob",
                "list",
                "multi",
                "nonjvm"
            })
    void injectsManifestAsTheGoldenFileSays(String name) throws Exception {
        Run run = run(null, "inject", "-f", resource(name + ".yaml").toString());

        assertThat(run.stderr).doesNotContain("meshless-injector:");
        assertThat(run.code).isZero();
        assertThat(run.stdout).isEqualTo(Files.readString(resource(name + ".injected.yaml")));
    }

    @Test
    void readsStdinWithDash() throws Exception {
        Run run = run(Files.newInputStream(resource("multi.yaml")), "inject", "-f", "-");

        assertThat(run.code).isZero();
        assertThat(run.stdout).isEqualTo(Files.readString(resource("multi.injected.yaml")));
    }

    @Test
    void injectingInjectedOutputChangesNothing() throws Exception {
        Path once = dir.resolve("once.yaml");
        Files.writeString(once, Files.readString(resource("multi.injected.yaml")));

        Run run = run(null, "inject", "-f", once.toString());

        assertThat(run.code).isZero();
        assertThat(run.stdout).isEqualTo(Files.readString(once));
    }

    @Test
    void keepsJavaToolOptionsFromValueFromAndAddsTheAgentWithoutWarning() throws Exception {
        Run run = run(null, "inject", "-f", resource("cronjob.yaml").toString());

        assertThat(run.code).isZero();
        assertThat(run.stderr).doesNotContain("JAVA_TOOL_OPTIONS");
        assertThat(run.stdout)
                .contains("- name: MESHLESS_APP_JAVA_TOOL_OPTIONS\n              valueFrom:")
                .contains(
                        "value: $(MESHLESS_APP_JAVA_TOOL_OPTIONS) -javaagent:/var/run/meshless/agent/meshless-agent.jar");
    }

    @Test
    void agentFalseGetsTheCertificateVolumeOnly() throws Exception {
        Run run = run(null, "inject", "-f", resource("nonjvm.yaml").toString());

        assertThat(run.code).isZero();
        assertThat(run.stdout)
                .contains("name: meshless-certs")
                .contains("secretName: meshless-edge")
                .contains("mountPath: /etc/nginx/mesh")
                .contains("value: -Dnot=touched")
                .doesNotContain("meshless-agent")
                .doesNotContain("initContainers")
                .doesNotContain("-javaagent")
                .doesNotContain("MESHLESS_");
    }

    @Test
    void missingFileIsAnErrorNamingIt() throws Exception {
        Path missing = dir.resolve("nope.yaml");
        Run run = run(null, "inject", "-f", missing.toString());

        assertThat(run.code).isEqualTo(1);
        assertThat(run.stdout).isEmpty();
        assertThat(run.stderr).contains(missing.toString()).contains("no such file");
    }

    @Test
    void unparsableYamlIsAnErrorNamingFileAndLine() throws Exception {
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n");

        Run run = run(null, "inject", "-f", broken.toString());

        assertThat(run.code).isEqualTo(1);
        assertThat(run.stdout).isEmpty();
        assertThat(run.stderr)
                .contains(broken.toString())
                .contains("not valid YAML")
                .contains("line ");
    }

    @Test
    void emptyAndBinaryFilesAreErrorsNamingThem() throws Exception {
        Path empty = dir.resolve("empty.yaml");
        Files.writeString(empty, "\n");
        Path binary = dir.resolve("binary.yaml");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});

        Run emptyRun = run(null, "inject", "-f", empty.toString());
        Run binaryRun = run(null, "inject", "-f", binary.toString());

        assertThat(emptyRun.code).isEqualTo(1);
        assertThat(emptyRun.stderr).contains(empty.toString()).contains("empty");
        assertThat(binaryRun.code).isEqualTo(1);
        assertThat(binaryRun.stderr).contains(binary.toString());
    }

    @Test
    void badAnnotationFailsNamingDocumentAndAnnotation() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(resource("deployment.yaml")).replace("permissive", "lenient"));

        Run run = run(null, "inject", "-f", bad.toString());

        assertThat(run.code).isEqualTo(1);
        assertThat(run.stdout).isEmpty();
        assertThat(run.stderr)
                .contains("bad.yaml: document 1 (Deployment shop/orders)")
                .contains("meshless.io/mode")
                .contains("\"lenient\"");
    }

    @Test
    void badUsageExitsTwo() throws Exception {
        assertThat(run(null, "inject").code).isEqualTo(2);
        assertThat(run(null, "inject", "-f").code).isEqualTo(2);
        assertThat(run(null, "inject", "--frobnicate", "-f", "x").stderr).contains("unknown option --frobnicate");
        assertThat(run(null, "explode").code).isEqualTo(2);
        assertThat(run(null).code).isEqualTo(2);
        assertThat(run(null, "serve", "--webhook-only", "--port", "8443").stderr)
                .contains("--tls-cert-file F and --tls-key-file F");
        assertThat(run(null, "serve", "--webhook-only", "--port", "99999").stderr)
                .contains("--port must be a port number");
    }

    @Test
    void serveRefusesAWorkloadKeyTypeThePodCertificateApiCannotGenerate() {
        Run rsa2048 = run(
                null,
                "serve",
                "--webhook-only",
                "--identity-source",
                "podCertificates",
                "--workload-key-type",
                "rsa-2048");
        assertThat(rsa2048.code).isEqualTo(2);
        assertThat(rsa2048.stderr)
                .contains("serve: workload key type rsa-2048 has no Kubernetes Pod Certificate keyType")
                .contains("choose one of ec-p256, ec-p384, rsa-3072, rsa-4096, ed25519");
        Run unknown = run(null, "serve", "--webhook-only", "--workload-key-type", "dsa-1024");
        assertThat(unknown.code).isEqualTo(2);
        assertThat(unknown.stderr).contains("serve: --workload-key-type: unknown key type 'dsa-1024'");
    }

    @Test
    void threadsAreACountNotAPortNumber() throws Exception {
        for (String bad : new String[] {"two", "0", "257", "8443"}) {
            Run run = run(null, "serve", "--webhook-only", "--threads", bad);
            assertThat(run.code).as(bad).isEqualTo(2);
            assertThat(run.stderr)
                    .as(bad)
                    .contains("serve: --threads must be a whole number 1-256, not \"" + bad + "\"");
        }
    }

    @Test
    void helpExitsZero() throws Exception {
        Run run = run(null, "--help");
        assertThat(run.code).isZero();
        assertThat(run.stdout).contains("inject -f FILE|-").contains("serve --webhook-only");
        assertThat(run(null, "inject", "--help").stdout).contains("--agent-image");
        assertThat(run(null, "serve", "--help").stdout).contains("--tls-cert-file");
    }

    private static Path resource(String name) throws Exception {
        return Path.of(Objects.requireNonNull(InjectCommandTest.class.getResource("/inject/" + name), name)
                .toURI());
    }

    private static Run run(InputStream stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = InjectorCommand.run(
                args,
                stdin == null ? new ByteArrayInputStream(new byte[0]) : stdin,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Run(int code, String stdout, String stderr) {}
}
