package io.meshless.injector.cli;

import static io.meshless.injector.check.MeshCluster.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshless.commandline.UsageException;
import io.meshless.injector.check.MeshCluster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check} on the command line: options, output, exit codes, against a mock API server. */
class CheckCommandTest {

    private static final Clock AN_HOUR_LATER = Clock.fixed(T0.plus(Duration.ofHours(1)), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private MeshCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private record Run(int code, String stdout, String stderr) {}

    private static Run check(Clock clock, String... args) throws UsageException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CheckCommand.run(
                List.of(args),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                clock);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Through the jar's entry point, with the real clock: for what fails before the cluster is read. */
    private static Run command(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = InjectorCommand.run(
                args,
                new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private String kubeconfig() throws Exception {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, cluster.kubeconfig());
        return file.toString();
    }

    @Test
    void healthyClusterPrintsOnePassingLinePerCheckAndExitsZero() throws Exception {
        cluster = MeshCluster.healthy(dir.resolve("serving"));

        Run run = check(AN_HOUR_LATER, "--kubeconfig", kubeconfig());

        assertThat(run.code).isZero();
        assertThat(run.stderr).isEmpty();
        List<String> lines = run.stdout.lines().toList();
        assertThat(lines.get(0)).isEqualTo("meshless check: injector meshless-system/meshless-injector");
        assertThat(lines.subList(2, 13))
                .allSatisfy(line -> assertThat(line).startsWith("✔ "))
                .anySatisfy(line -> assertThat(line)
                        .isEqualTo("✔ injector Deployment is ready: meshless-system/meshless-injector: 2/2 replicas"
                                + " ready"));
        assertThat(lines.get(lines.size() - 1)).isEqualTo("✔ 11 passed, 0 warnings, 0 failed");
    }

    @Test
    void failedCheckExitsOneAndJsonNamesItWithTheFix() throws Exception {
        cluster = MeshCluster.healthy(dir.resolve("serving"));
        cluster.readyReplicas(0);

        Run run = check(AN_HOUR_LATER, "--kubeconfig", kubeconfig(), "--json");

        assertThat(run.code).isEqualTo(1);
        JsonNode json = new ObjectMapper().readTree(run.stdout);
        assertThat(json.get("status").asText()).isEqualTo("fail");
        assertThat(json.get("checks")).hasSize(11);
        JsonNode first = json.get("checks").get(0);
        assertThat(first.get("id").asText()).isEqualTo("injector-ready");
        assertThat(first.get("status").asText()).isEqualTo("fail");
        assertThat(first.get("fix").asText()).contains("describe deployment meshless-injector");
        assertThat(json.get("checks").get(1).get("status").asText()).isEqualTo("pass");
        assertThat(json.get("checks").get(1).has("fix")).isFalse();
    }

    @Test
    void warningPrintsItsMarkAndFixButExitsZero() throws Exception {
        cluster = MeshCluster.healthy(dir.resolve("serving"));
        cluster.readyReplicas(1);

        Run run = check(AN_HOUR_LATER, "--kubeconfig", kubeconfig());

        assertThat(run.code).isZero();
        assertThat(run.stdout)
                .contains("‼ injector Deployment is ready: meshless-system/meshless-injector: 1/2 replicas ready"
                        + " → fix: see why with kubectl -n meshless-system describe deployment meshless-injector")
                .endsWith("✔ 10 passed, 1 warning, 0 failed\n");
    }

    @Test
    void podCertificatesWithoutTheApiFailTheCheckWithTheFix() throws Exception {
        cluster = new MeshCluster();
        cluster.deployment(List.of("--identity-source=podCertificates"), 2);

        Run run = check(AN_HOUR_LATER, "--kubeconfig", kubeconfig());

        assertThat(run.code).isEqualTo(1);
        assertThat(run.stdout.lines())
                .filteredOn(line -> line.contains("PodCertificateRequest API"))
                .singleElement()
                .asString()
                .startsWith("✘ PodCertificateRequest API is served where identity.source=podCertificates:"
                        + " identity.source=podCertificates, but this cluster serves no PodCertificateRequests")
                .contains("→ fix: Pod Certificates need Kubernetes 1.35 or later");
    }

    @Test
    void releaseAndNamespaceNameTheObjectsLookedFor() throws Exception {
        cluster = MeshCluster.healthy(dir.resolve("serving"));

        Run run = check(AN_HOUR_LATER, "--kubeconfig", kubeconfig(), "--release", "edge", "--namespace", "mesh");

        assertThat(run.code).isEqualTo(1);
        assertThat(run.stdout)
                .contains("✘ injector Deployment is ready: Deployment mesh/edge-meshless-injector not found")
                .contains("✘ mesh CA is valid: Secret mesh/edge-meshless-ca not found");
    }

    @Test
    void unreachableApiExitsOneWithOneLine() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0)) {
            port = closed.getLocalPort();
        }
        Path file = dir.resolve("kubeconfig");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "apiVersion: v1",
                        "kind: Config",
                        "clusters: [{name: gone, cluster: {server: 'http://127.0.0.1:" + port + "'}}]",
                        "contexts: [{name: gone, context: {cluster: gone, user: gone}}]",
                        "current-context: gone",
                        "users: [{name: gone, user: {token: t}}]",
                        ""));

        Run run = check(AN_HOUR_LATER, "--kubeconfig", file.toString());

        assertThat(run.code).isEqualTo(1);
        assertThat(run.stdout).isEmpty();
        assertThat(run.stderr.lines()).singleElement().satisfies(line -> assertThat(line)
                .startsWith("meshless-injector: check: cannot read Deployment meshless-system/meshless-injector: ")
                .contains("Connection refused"));
    }

    @Test
    void missingKubeconfigFileExitsOne() {
        Run run = command("check", "--kubeconfig", dir.resolve("absent").toString());

        assertThat(run.code).isEqualTo(1);
        assertThat(run.stderr)
                .isEqualTo("meshless-injector: check: --kubeconfig " + dir.resolve("absent") + ": no such file\n");
    }

    @Test
    void badUsageExitsTwoWithOneLine() {
        assertThat(command("check", "--bogus"))
                .isEqualTo(new Run(2, "", "meshless-injector: check: unknown option --bogus (see check --help)\n"));
        assertThat(command("check", "cluster"))
                .isEqualTo(new Run(2, "", "meshless-injector: check: unexpected argument \"cluster\"\n"));
        assertThat(command("check", "--kubeconfig"))
                .isEqualTo(new Run(2, "", "meshless-injector: check: --kubeconfig needs a value\n"));
        assertThat(command("check", "--json=yes"))
                .isEqualTo(new Run(2, "", "meshless-injector: check: --json takes no value\n"));
        assertThat(command("check", "--release="))
                .isEqualTo(new Run(2, "", "meshless-injector: check: --namespace and --release must not be empty\n"));
    }

    @Test
    void helpDescribesTheOptionsAndTheCommandListNamesCheck() {
        Run help = command("check", "--help");
        Run commands = command("--help");

        assertThat(help.code).isZero();
        assertThat(help.stdout).contains("--namespace NS", "--release NAME", "--kubeconfig F", "--json");
        assertThat(commands.stdout).contains("check [--namespace NS] [--release NAME] [--json] [--kubeconfig F]");
        assertThat(command("nonsense").stderr).contains("(commands: serve, inject, check)");
    }
}
