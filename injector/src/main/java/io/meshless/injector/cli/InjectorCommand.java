package io.meshless.injector.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshless.commandline.Arguments;
import io.meshless.commandline.Options;
import io.meshless.commandline.UsageException;
import io.meshless.commandline.Wording;
import io.meshless.injector.cli.ManifestInjector.ManifestException;
import io.meshless.injector.webhook.InjectionSettings;
import io.meshless.injector.webhook.KubernetesJson;
import io.meshless.injector.webhook.PodInjector;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar meshless-injector.jar <command>}: {@code serve} (webhook and controller),
 * {@code serve --webhook-only ...} (webhook alone), {@code inject -f FILE|-}, {@code check} (an
 * installation, through the Kubernetes API). Exit codes: 0 ok,
 * 1 failure, 2 bad usage, with a one-line reason on stderr.
 */
public final class InjectorCommand {
    static final String USAGE = String.join(
            "\n",
            "usage: java -jar meshless-injector.jar <command> [options]",
            "",
            "commands:",
            "  serve                 run the admission webhook and the certificate controller (in cluster)",
            "  serve --webhook-only --port N --tls-cert-file F --tls-key-file F",
            "                        run the webhook alone; needs no Kubernetes API",
            "  inject -f FILE|-      write the injected manifests (Pod, Deployment, StatefulSet, DaemonSet,",
            "                        ReplicaSet, Job, CronJob, List; multi-document YAML) to stdout",
            "  check [--namespace NS] [--release NAME] [--json] [--kubeconfig F]",
            "                        check an installation in a cluster, like linkerd check",
            "",
            "run '<command> --help' for the options of a command.",
            "");

    static final String INJECT_USAGE = String.join(
            "\n",
            "usage: java -jar meshless-injector.jar inject -f FILE|- [options]",
            "",
            "Injects every workload that does not opt out with meshless.io/inject: \"false\"; other",
            "documents pass through unchanged. Warnings go to stderr.",
            "",
            "  -f, --filename FILE|-       manifest file, '-' for stdin",
            "  --agent-image IMAGE         init container image (default " + InjectionSettings.DEFAULT_AGENT_IMAGE
                    + ")",
            "  --agent-jar-in-image PATH   agent jar inside that image (default "
                    + InjectionSettings.DEFAULT_AGENT_JAR_IN_IMAGE + ")",
            "");

    // The help is INJECT_USAGE above, kept as it reads; the declarations say what parses.
    private static final Options INJECT_OPTIONS = new Options(Wording.brief("inject"))
            .value("--filename", "FILE|-", "")
            .alias("-f", "--filename")
            .value("--agent-image", "IMAGE", "")
            .value("--agent-jar-in-image", "PATH", "")
            .operandHint("use -f FILE");

    private InjectorCommand() {}

    public static void main(String[] args) {
        int code = run(args, System.in, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs one command; returns the exit code. {@code serve} returns when the process is told to stop. */
    public static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr) {
        if (args.length == 0) {
            stderr.print(USAGE);
            return 2;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            switch (args[0]) {
                case "--help":
                case "-h":
                case "help":
                    stdout.print(USAGE);
                    return 0;
                case "inject":
                    return inject(rest, stdin, stdout, stderr);
                case "serve":
                    return ServeCommand.run(rest, stdout, stderr);
                case "check":
                    return CheckCommand.run(rest, stdout, stderr, Clock.systemUTC());
                default:
                    throw new UsageException("unknown command \"" + args[0] + "\" (commands: serve, inject, check)");
            }
        } catch (UsageException e) {
            stderr.println("meshless-injector: " + e.getMessage());
            return 2;
        }
    }

    private static int inject(List<String> args, InputStream stdin, PrintStream stdout, PrintStream stderr)
            throws UsageException {
        if (Options.wantsHelp(args)) {
            stdout.print(INJECT_USAGE);
            return 0;
        }
        Arguments options = INJECT_OPTIONS.parse(args);
        String file = options.value("--filename", null);
        if (file == null || file.isEmpty()) {
            throw new UsageException("inject: -f FILE (or -f - for stdin) is required");
        }
        InjectionSettings settings;
        try {
            settings = new InjectionSettings(
                    options.value("--agent-image", InjectionSettings.DEFAULT_AGENT_IMAGE),
                    "IfNotPresent",
                    options.value("--agent-jar-in-image", InjectionSettings.DEFAULT_AGENT_JAR_IN_IMAGE),
                    InjectionSettings.DEFAULT_RUN_AS_USER,
                    true);
        } catch (IllegalArgumentException e) {
            throw new UsageException("inject: " + e.getMessage());
        }
        String source = file.equals("-") ? "stdin" : file;
        String text;
        try {
            text = file.equals("-")
                    ? new String(stdin.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            stderr.println("meshless-injector: inject: " + source + ": no such file");
            return 1;
        } catch (java.nio.charset.CharacterCodingException e) {
            stderr.println("meshless-injector: inject: " + source + ": is not UTF-8 text, expected Kubernetes YAML");
            return 1;
        } catch (IOException | java.io.UncheckedIOException e) {
            stderr.println("meshless-injector: inject: " + source + ": cannot be read: " + e.getMessage());
            return 1;
        }
        if (text.isBlank()) {
            stderr.println("meshless-injector: inject: " + source + ": is empty, expected Kubernetes YAML");
            return 1;
        }
        ObjectMapper json = KubernetesJson.newMapper();
        ManifestInjector injector = new ManifestInjector(new PodInjector(settings, json), json);
        try {
            String out = injector.inject(source, text, warning -> stderr.println("warning: " + warning));
            stdout.print(out);
            stdout.flush();
            return 0;
        } catch (ManifestException e) {
            stderr.println("meshless-injector: inject: " + e.getMessage());
            return 1;
        }
    }
}
