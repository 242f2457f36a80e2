package io.meshless.injector.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.meshless.commandline.Arguments;
import io.meshless.commandline.Options;
import io.meshless.commandline.UsageException;
import io.meshless.commandline.Wording;
import io.meshless.injector.controller.CertificateController;
import io.meshless.injector.controller.ControllerConfig;
import io.meshless.injector.http.Readiness;
import io.meshless.injector.http.ServerLimits;
import io.meshless.injector.http.ServingCertificateFiles;
import io.meshless.injector.http.ServingTls;
import io.meshless.injector.http.WebhookServer;
import io.meshless.injector.metrics.InjectorMetrics;
import io.meshless.injector.webhook.AdmissionReviewHandler;
import io.meshless.injector.webhook.IdentitySource;
import io.meshless.injector.webhook.InjectionSettings;
import io.meshless.injector.webhook.KubernetesJson;
import io.meshless.injector.webhook.NamespaceLabels;
import io.meshless.injector.webhook.PodInjector;
import io.meshless.injector.webhook.SecretDemand;
import io.meshless.pki.KeyType;
import io.meshless.pki.PkiException;
import io.meshless.pki.WorkloadCredentials;
import io.meshless.pki.reload.CredentialSource;
import io.meshless.pki.reload.ReloadListener;
import io.meshless.pki.reload.WatchedCertDirectory;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code serve}: wires webhook, HTTPS server, metrics, readiness and (unless --webhook-only) the controller. */
final class ServeCommand {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
    static final String USAGE = String.join(
            "\n",
            "usage: java -jar meshless-injector.jar serve [options]",
            "       java -jar meshless-injector.jar serve --webhook-only --port N --tls-cert-file F --tls-key-file F",
            "",
            "  --port N                   HTTPS port (default 8443); POST /mutate, GET /healthz /readyz /metrics",
            "  --bind ADDRESS             listen address (default 0.0.0.0)",
            "  --agent-image IMAGE        init container image (default " + InjectionSettings.DEFAULT_AGENT_IMAGE + ")",
            "  --agent-jar-in-image PATH  agent jar inside that image (default "
                    + InjectionSettings.DEFAULT_AGENT_JAR_IN_IMAGE + ")",
            "  --agent-image-pull-policy P  Always, IfNotPresent (default) or Never",
            "  --default-mode MODE        agent mode (strict, permissive, audit) of pods without a meshless.io/mode",
            "                             annotation (default: the agent's own, strict)",
            "  --threads N                event-loop threads (default 2); each serves any number of connections;",
            "                             half as many (at least 1) more run the TLS handshakes",
            "  --max-connections N        connections open at once (default " + ServerLimits.DEFAULT.maxConnections()
                    + "); slow clients lose theirs after 10 s without a complete request",
            "  --identity-source S        secret (default): a Secret per service account; podCertificates: kubelet's",
            "                             per-pod key, signed as meshless.io/workload (Kubernetes 1.35+, feature gate)",
            "  --workload-key-type TYPE   key type of workload certificates: ec-p256 (default), ec-p384, rsa-2048,",
            "                             rsa-3072, rsa-4096, ed25519 (podCertificates: all but rsa-2048)",
            "webhook only:",
            "  --webhook-only             no controller, no Kubernetes API; pod-level opt-in only",
            "  --tls-cert-file F          serving certificate chain (PEM), re-read when it changes",
            "  --tls-key-file F           its private key (PEM)",
            "with the controller (in cluster; kubeconfig or service account as Fabric8 finds it):",
            "  --namespace NS             injector namespace (default $POD_NAMESPACE, else meshless-system)",
            "  --identity ID              Lease holder identity (default $POD_NAME, else the host name)",
            "  --service-name NAME        injector Service (serving certificate DNS names; default meshless-injector)",
            "  --webhook-config-name NAME MutatingWebhookConfiguration whose caBundle is kept current",
            "  --ca-secret-name NAME      mesh CA Secret in the injector namespace (default meshless-ca)",
            "  --trust-domain TD          SPIFFE trust domain (default cluster.local)",
            "  --serving-cert-dir DIR     where the controller writes the webhook's own certificate",
            "  --pod-certificate-max-seconds N  longest pod certificate issued (3600-7862400, default 86400)",
            "  --trust-bundle-namespaces W  where the trust bundle ConfigMap meshless-ca-bundle is published: opted-in",
            "                             (default: namespaces labelled meshless.io/inject=enabled or running injected",
            "                             pods) or all",
            "  --tls-cert-file F --tls-key-file F",
            "                             serve this certificate instead (user Secret, cert-manager): the controller then",
            "                             issues no serving certificate and leaves the webhook's caBundle alone",
            "");
    // The help is USAGE above, kept as it reads; the declarations say what parses.
    private static final Options OPTIONS = new Options(Wording.brief("serve"))
            .value("--port", "N", "")
            .value("--bind", "ADDRESS", "")
            .value("--agent-image", "IMAGE", "")
            .value("--agent-jar-in-image", "PATH", "")
            .value("--agent-image-pull-policy", "P", "")
            .value("--default-mode", "MODE", "")
            .value("--threads", "N", "")
            .value("--max-connections", "N", "")
            .value("--tls-cert-file", "F", "")
            .value("--tls-key-file", "F", "")
            .value("--namespace", "NS", "")
            .value("--identity", "ID", "")
            .value("--service-name", "NAME", "")
            .value("--webhook-config-name", "NAME", "")
            .value("--ca-secret-name", "NAME", "")
            .value("--trust-domain", "TD", "")
            .value("--serving-cert-dir", "DIR", "")
            .value("--identity-source", "S", "")
            .value("--workload-key-type", "TYPE", "")
            .value("--pod-certificate-max-seconds", "N", "")
            .value("--trust-bundle-namespaces", "W", "")
            .flag("--webhook-only", "");
    private static final Duration RELOAD_INTERVAL = Duration.ofSeconds(10);

    private ServeCommand() {}

    static int run(List<String> args, PrintStream stdout, PrintStream stderr) throws UsageException {
        if (Options.wantsHelp(args)) {
            stdout.print(USAGE);
            return 0;
        }
        Arguments options = OPTIONS.parse(args);
        int port = options.port("--port", 8443);
        int threads = options.count("--threads", 256, 2);
        int maxConnections = options.count("--max-connections", 100_000, ServerLimits.DEFAULT.maxConnections());
        ServerLimits limits = ServerLimits.DEFAULT.withMaxConnections(maxConnections);
        KeyType workloadKeyType = ControllerConfig.DEFAULT_WORKLOAD_KEY_TYPE;
        if (options.has("--workload-key-type")) {
            try {
                workloadKeyType = KeyType.parse(options.value("--workload-key-type", null));
            } catch (IllegalArgumentException e) {
                throw new UsageException("serve: --workload-key-type: " + e.getMessage());
            }
        }
        InjectionSettings settings;
        try {
            settings = InjectionSettings.defaults()
                    .withAgentImage(options.value("--agent-image", InjectionSettings.DEFAULT_AGENT_IMAGE));
            String pullPolicy = options.value("--agent-image-pull-policy", "IfNotPresent");
            if (!List.of("Always", "IfNotPresent", "Never").contains(pullPolicy)) {
                throw new UsageException(
                        "serve: --agent-image-pull-policy must be Always, IfNotPresent or Never, not \"" + pullPolicy
                                + "\"");
            }
            settings = new InjectionSettings(
                    settings.agentImage(),
                    pullPolicy,
                    options.value("--agent-jar-in-image", InjectionSettings.DEFAULT_AGENT_JAR_IN_IMAGE),
                    settings.runAsUser(),
                    false,
                    IdentitySource.parse(options.value("--identity-source", IdentitySource.SECRET.value())),
                    options.value("--default-mode", null),
                    workloadKeyType);
        } catch (IllegalArgumentException e) {
            throw new UsageException("serve: " + e.getMessage());
        }
        InetSocketAddress address = new InetSocketAddress(options.value("--bind", "0.0.0.0"), port);
        Clock clock = Clock.systemUTC();
        if (options.has("--webhook-only")) {
            for (String controllerOnly : List.of(
                    "--namespace",
                    "--identity",
                    "--service-name",
                    "--webhook-config-name",
                    "--ca-secret-name",
                    "--trust-domain",
                    "--serving-cert-dir",
                    "--pod-certificate-max-seconds",
                    "--trust-bundle-namespaces")) {
                if (options.has(controllerOnly)) {
                    throw new UsageException("serve: " + controllerOnly
                            + " configures the controller, which --webhook-only does not run");
                }
            }
            String cert = options.value("--tls-cert-file", null);
            String key = options.value("--tls-key-file", null);
            if (cert == null || key == null) {
                throw new UsageException("serve --webhook-only needs --tls-cert-file F and --tls-key-file F");
            }
            return webhookOnly(address, Path.of(cert), Path.of(key), settings, threads, limits, clock, stderr);
        }
        if (options.has("--tls-cert-file") != options.has("--tls-key-file")) {
            throw new UsageException("serve: --tls-cert-file and --tls-key-file go together");
        }
        return withController(address, options, settings, threads, limits, clock, stderr);
    }

    private static int webhookOnly(
            InetSocketAddress address,
            Path cert,
            Path key,
            InjectionSettings settings,
            int threads,
            ServerLimits limits,
            Clock clock,
            PrintStream stderr) {
        Deque<AutoCloseable> resources = new ArrayDeque<>();
        try {
            CredentialSource serving = watchFiles(cert, key, clock, resources);
            Readiness readiness = new Readiness();
            readiness.register("serving-certificate", () -> serving.current().isPresent());
            InjectorMetrics metrics = new InjectorMetrics();
            return serve(
                    address,
                    ServingTls.serverContext(serving),
                    settings,
                    NamespaceLabels.UNKNOWN,
                    SecretDemand.NONE,
                    metrics,
                    readiness,
                    threads,
                    limits,
                    resources,
                    stderr);
        } catch (Exception e) {
            stderr.println("meshless-injector: serve: " + e.getMessage());
            return 1;
        } finally {
            closeAll(resources);
        }
    }

    private static int withController(
            InetSocketAddress address,
            Arguments options,
            InjectionSettings settings,
            int threads,
            ServerLimits limits,
            Clock clock,
            PrintStream stderr)
            throws UsageException {
        ControllerConfig.Builder builder = ControllerConfig.builder()
                .namespace(options.value("--namespace", env("POD_NAMESPACE", "meshless-system")))
                .identity(options.value("--identity", env("POD_NAME", hostName())));
        if (options.has("--service-name")) {
            builder.serviceName(options.value("--service-name", null));
        }
        if (options.has("--webhook-config-name")) {
            builder.webhookConfigurationName(options.value("--webhook-config-name", null));
        }
        if (options.has("--ca-secret-name")) {
            builder.caSecretName(options.value("--ca-secret-name", null));
        }
        if (options.has("--trust-domain")) {
            builder.trustDomain(options.value("--trust-domain", null));
        }
        if (options.has("--serving-cert-dir")) {
            builder.servingCertDir(Path.of(options.value("--serving-cert-dir", null)));
        }
        // One setting decides the workload key type: the Secrets' keys and the key kubelet generates.
        builder.leafKeyType(settings.workloadKeyType())
                .podCertificateSigner(settings.identitySource() == IdentitySource.POD_CERTIFICATES)
                .podCertificateMaxLifetime(
                        Duration.ofSeconds(options.number("--pod-certificate-max-seconds", 3600, 7_862_400, 86_400)));
        String trustBundleNamespaces = options.value("--trust-bundle-namespaces", "opted-in");
        if (!List.of("opted-in", "all").contains(trustBundleNamespaces)) {
            throw new UsageException(
                    "serve: --trust-bundle-namespaces must be opted-in or all, not \"" + trustBundleNamespaces + "\"");
        }
        builder.trustBundleAllNamespaces(trustBundleNamespaces.equals("all"));
        boolean userServingCertificate = options.has("--tls-cert-file");
        if (userServingCertificate) {
            // A user Secret or cert-manager supplies the serving certificate and owns the caBundle:
            // the controller issues none and never touches the MutatingWebhookConfiguration.
            builder.servingCertDir(null).webhookConfigurationName(null);
        }
        ControllerConfig config;
        try {
            config = builder.build();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new UsageException("serve: " + e.getMessage());
        }
        Deque<AutoCloseable> resources = new ArrayDeque<>();
        try {
            KubernetesClient client = new KubernetesClientBuilder().build();
            resources.push(client);
            CertificateController controller = new CertificateController(client, config, clock);
            resources.push(controller);
            controller.start();

            SharedIndexInformer<Namespace> namespaces = client.namespaces().inform();
            resources.push(namespaces::close);
            NamespaceLabels labels = name -> {
                Namespace namespace = namespaces.getStore().getByKey(name);
                Map<String, String> found = namespace == null || namespace.getMetadata() == null
                        ? null
                        : namespace.getMetadata().getLabels();
                return found == null ? Map.of() : found;
            };

            CredentialSource serving;
            if (userServingCertificate) {
                serving = watchFiles(
                        Path.of(options.value("--tls-cert-file", null)),
                        Path.of(options.value("--tls-key-file", null)),
                        clock,
                        resources);
            } else {
                WatchedCertDirectory directory =
                        new WatchedCertDirectory(config.servingCertDir(), clock, RELOAD_INTERVAL, new ReloadListener() {
                            @Override
                            public void loaded(WorkloadCredentials previous, WorkloadCredentials current) {
                                LOG.info(
                                        "serving certificate loaded: serial {}, valid until {}",
                                        current.serialHex(),
                                        current.notAfter());
                            }

                            @Override
                            public void rejected(PkiException problem) {
                                LOG.warn(
                                        "serving certificate not loaded, keeping the previous one: {}",
                                        problem.getMessage());
                            }
                        });
                resources.push(directory);
                directory.start();
                serving = directory;
            }

            Readiness readiness = new Readiness();
            readiness.register("serving-certificate", () -> serving.current().isPresent());
            readiness.register("controller", controller::ready);
            readiness.register("namespace-informer", namespaces::hasSynced);
            InjectorMetrics metrics = new InjectorMetrics();
            metrics.attachController(controller::metrics);
            SecretDemand demand = controller::serviceAccountNeedsSecret;
            return serve(
                    address,
                    ServingTls.serverContext(serving),
                    settings,
                    labels,
                    demand,
                    metrics,
                    readiness,
                    threads,
                    limits,
                    resources,
                    stderr);
        } catch (Exception e) {
            stderr.println("meshless-injector: serve: " + e.getMessage());
            return 1;
        } finally {
            closeAll(resources);
        }
    }

    /** Loads the pair now (failing startup if unusable) and re-reads it every RELOAD_INTERVAL. */
    private static CredentialSource watchFiles(Path cert, Path key, Clock clock, Deque<AutoCloseable> resources)
            throws PkiException {
        ServingCertificateFiles serving = new ServingCertificateFiles(cert, key, clock);
        serving.refresh();
        ScheduledExecutorService reloads =
                Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "meshless-cert-reload"));
        resources.push(reloads::shutdownNow);
        reloads.scheduleWithFixedDelay(
                () -> {
                    try {
                        serving.refresh();
                    } catch (PkiException e) {
                        LOG.warn("serving certificate not reloaded, keeping the previous one: {}", e.getMessage());
                    } catch (RuntimeException e) {
                        LOG.warn("serving certificate reload failed, keeping the previous one: {}", e.toString());
                    }
                },
                RELOAD_INTERVAL.toMillis(),
                RELOAD_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
        return serving;
    }

    /** Starts the HTTPS server and blocks until the JVM is asked to stop (SIGTERM). */
    private static int serve(
            InetSocketAddress address,
            SSLContext tls,
            InjectionSettings settings,
            NamespaceLabels labels,
            SecretDemand demand,
            InjectorMetrics metrics,
            Readiness readiness,
            int threads,
            ServerLimits limits,
            Deque<AutoCloseable> resources,
            PrintStream stderr)
            throws Exception {
        ObjectMapper json = KubernetesJson.newMapper();
        AdmissionReviewHandler handler =
                new AdmissionReviewHandler(new PodInjector(settings, json), labels, demand, json);
        WebhookServer server = WebhookServer.start(address, tls, handler, metrics, readiness, threads, limits);
        resources.push(server);
        LOG.info(
                "meshless injector webhook listening on https://{}:{}/mutate",
                address.getHostString(),
                server.address().getPort());
        CountDownLatch stop = new CountDownLatch(1);
        // The JVM does not wait for the main thread during shutdown: the hook itself stops the
        // server first (no new admissions), then the controller (releases the Lease), then the client.
        Thread hook = new Thread(
                () -> {
                    closeAll(resources);
                    stop.countDown();
                },
                "meshless-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stop.await();
        return 0;
    }

    private static void closeAll(Deque<AutoCloseable> resources) {
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                LOG.warn("while stopping: {}", e.toString());
            }
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "meshless-injector";
        }
    }
}
