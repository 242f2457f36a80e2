package io.meshless.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.meshless.injector.cli.InjectorCommand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chart and the injector agree on the command line: a renamed flag breaks this build, not a cluster. */
class InjectorFlagsTest {

  private final Chart chart = Chart.underTest();

  @Test
  void everyFlagTheChartPassesIsOneServeDocuments() {
    String usage = serveUsage();
    List<String> args = InjectorWorkloadTest.injectorContainer(chart.render()).getArgs();
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
    assertThat(args).contains(
        "--webhook-config-name=" + rendered.one(MutatingWebhookConfiguration.class).getMetadata().getName(),
        "--service-name=" + rendered.one(Service.class).getMetadata().getName(),
        "--ca-secret-name=meshless-ca",
        "--trust-domain=cluster.local",
        "--port=8443",
        "--agent-image=ghcr.io/meshless/meshless-agent:0.1.0",
        "--serving-cert-dir=/var/run/meshless/webhook-certs");
    assertThat(InjectorWorkloadTest.injectorContainer(rendered).getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/var/run/meshless/webhook-certs"));
  }

  private static String serveUsage() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = InjectorCommand.run(new String[] {"serve", "--help"}, new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).as("serve --help exit code; stderr: %s", err).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }
}
