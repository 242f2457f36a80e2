package io.meshless.injector.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.meshless.commandline.Arguments;
import io.meshless.commandline.Options;
import io.meshless.commandline.UsageException;
import io.meshless.commandline.Wording;
import io.meshless.injector.check.CheckReport;
import io.meshless.injector.check.ClusterCheck;
import io.meshless.injector.check.ClusterReadException;
import io.meshless.injector.check.ClusterReader;
import io.meshless.injector.check.ClusterState;
import io.meshless.injector.check.InjectorNames;
import io.meshless.injector.webhook.KubernetesJson;
import java.io.File;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;

/** {@code check}: reads an installation through the Kubernetes API and judges it, like {@code linkerd check}. */
final class CheckCommand {
    static final String DEFAULT_NAMESPACE = "meshless-system";
    static final String DEFAULT_RELEASE = "meshless";
    static final String USAGE = String.join(
            "\n",
            "usage: java -jar meshless-injector.jar check [options]",
            "",
            "Checks a Meshless installation through the Kubernetes API: the injector Deployment, the webhook",
            "configuration and its caBundle, the mesh CA and its rotation, every workload certificate and its",
            "renewal, injected pods without their Secret, and pods that opted in but were not injected.",
            "One line per check; exit 0 when none failed (warnings allowed), 1 when one failed.",
            "",
            "  --namespace NS     the injector's namespace (default " + DEFAULT_NAMESPACE + ")",
            "  --release NAME     the Helm release, from which the object names derive (default " + DEFAULT_RELEASE
                    + ")",
            "  --kubeconfig F     kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster)",
            "  --json             print the results as JSON",
            "");

    // The help is USAGE above, kept as it reads; the declarations say what parses.
    private static final Options OPTIONS = new Options(Wording.brief("check"))
            .value("--namespace", "NS", "")
            .value("--release", "NAME", "")
            .value("--kubeconfig", "F", "")
            .flag("--json", "");

    private CheckCommand() {}

    static int run(List<String> args, PrintStream stdout, PrintStream stderr, Clock clock) throws UsageException {
        if (Options.wantsHelp(args)) {
            stdout.print(USAGE);
            return 0;
        }
        Arguments options = OPTIONS.parse(args);
        String namespace = options.value("--namespace", DEFAULT_NAMESPACE);
        String release = options.value("--release", DEFAULT_RELEASE);
        if (namespace.isEmpty() || release.isEmpty()) {
            throw new UsageException("check: --namespace and --release must not be empty");
        }
        Config config;
        try {
            config = config(options.value("--kubeconfig", null));
        } catch (RuntimeException e) {
            stderr.println("meshless-injector: check: " + oneLine(e.getMessage()));
            return 1;
        }
        try (KubernetesClient client =
                new KubernetesClientBuilder().withConfig(config).build()) {
            ClusterState cluster = new ClusterReader(client).read(InjectorNames.forRelease(namespace, release));
            CheckReport report = new ClusterCheck(clock).evaluate(cluster);
            stdout.print(options.flag("--json") ? report.toJson(KubernetesJson.newMapper()) : report.toText());
            stdout.flush();
            return report.exitCode();
        } catch (ClusterReadException e) {
            stderr.println("meshless-injector: check: " + oneLine(e.getMessage()));
            return 1;
        }
    }

    private static Config config(String kubeconfig) {
        Config config;
        if (kubeconfig == null) {
            config = Config.autoConfigure(null);
        } else {
            File file = new File(kubeconfig);
            if (!file.isFile()) {
                throw new IllegalArgumentException("--kubeconfig " + kubeconfig + ": no such file");
            }
            try {
                config = Config.fromKubeconfig(file);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "--kubeconfig " + kubeconfig + ": not a usable kubeconfig: " + e.getMessage(), e);
            }
        }
        // A command line answers at once: no minute of retries against an API that is not there.
        config.setRequestRetryBackoffLimit(0);
        return config;
    }

    private static String oneLine(String text) {
        return String.valueOf(text).replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
