package io.meshless.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The chart and the injector agree on the command line: a renamed flag breaks this build, not a cluster. */
class InjectorFlagsTest {

    private final Chart chart = Chart.underTest();

    @Test
    void everyFlagTheChartPassesIsOneServeDocuments() throws Exception {
        String usage = serveUsage();
        List<String> args =
                InjectorWorkloadTest.injectorContainer(chart.render()).getArgs();
        assertThat(args.get(0)).isEqualTo("serve");
        for (String arg : args.subList(1, args.size())) {
            assertThat(arg).startsWith("--").contains("=");
            String flag = arg.substring(0, arg.indexOf('='));
            assertThat(usage).as("serve --help documents %s", flag).containsPattern("(?m)^\\s+" + flag + "\\s");
        }
    }

    @Test
    void injectorIsToldTheNamesTheChartGaveItsObjects() {
        Chart.Rendered rendered = chart.render();
        List<String> args = InjectorWorkloadTest.injectorContainer(rendered).getArgs();
        assertThat(args)
                .contains(
                        "--webhook-config-name="
                                + rendered.one(MutatingWebhookConfiguration.class)
                                        .getMetadata()
                                        .getName(),
                        "--service-name="
                                + rendered.one(Service.class).getMetadata().getName(),
                        "--ca-secret-name=meshless-ca",
                        "--trust-domain=cluster.local",
                        "--port=8443",
                        "--agent-image=ghcr.io/meshless/meshless-agent:0.1.0",
                        "--serving-cert-dir=/var/run/meshless/webhook-certs");
        assertThat(InjectorWorkloadTest.injectorContainer(rendered).getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/var/run/meshless/webhook-certs"));
    }

    @Test
    void theChartLevelAgentModeBecomesTheInjectorsDefaultMode() {
        assertThat(InjectorWorkloadTest.injectorContainer(chart.render(java.util.Map.of("agent.mode", "audit")))
                        .getArgs())
                .contains("--default-mode=audit");
        assertThat(InjectorWorkloadTest.injectorContainer(chart.render()).getArgs())
                .as("no default mode: the agent's own")
                .noneMatch(arg -> arg.startsWith("--default-mode"));
    }

    /** {@code java -jar meshless-injector.jar serve --help}, the image's own entry point. */
    private static String serveUsage() throws Exception {
        Path jar = Path.of(System.getProperty("meshless.injector.jar", "../injector/target/meshless-injector.jar"));
        assertThat(jar).as("the injector jar (build the injector module first)").isRegularFile();
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        jar.toString(),
                        "serve",
                        "--help")
                .redirectErrorStream(true)
                .start();
        try {
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS))
                    .as("serve --help finished")
                    .isTrue();
            assertThat(process.exitValue())
                    .as("serve --help exit code; output: %s", out)
                    .isZero();
            return out;
        } finally {
            process.destroyForcibly();
        }
    }
}
