package io.meshless.injector.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.meshless.injector.ApiObjects;
import io.meshless.injector.controller.CertificateController;
import io.meshless.injector.controller.ControllerConfig;
import io.meshless.injector.controller.PodCertificateDiscovery;
import io.meshless.injector.webhook.Injection;
import io.meshless.injector.webhook.InjectionDenied;
import io.meshless.injector.webhook.InjectionSettings;
import io.meshless.injector.webhook.KubernetesJson;
import io.meshless.injector.webhook.PodInjector;
import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyType;
import io.meshless.pki.Pem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A cluster in a Fabric8 mock API server (CRUD mode) as a Helm release "meshless" in
 * "meshless-system" leaves it: the injector Deployment and the webhook configuration as the chart
 * renders them, and everything else (mesh CA, workload Secrets, caBundle) written by the real
 * certificate controller, which is stopped before the checks run so it repairs nothing.
 */
public final class MeshCluster implements AutoCloseable {

    public static final String NAMESPACE = "meshless-system";
    public static final String RELEASE = "meshless";
    public static final String INJECTOR = "meshless-injector";
    public static final String CA_SECRET = "meshless-ca";
    public static final String APP_NS = "shop";
    public static final String SERVING_SECRET = "meshless-injector-webhook-tls";
    /** When the controller ran: certificates are generated at test time, relative to it. */
    public static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    public final KubernetesMockServer server;
    public final KubernetesClient admin;
    private boolean discoveryAnswered;

    public MeshCluster() {
        // CRUD mode, with API discovery answered by expectations first (servePodCertificateRequests).
        Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), expectations, new KubernetesMixedDispatcher(expectations), false);
        server.init();
        admin = server.createClient();
        namespace(NAMESPACE, Map.of());
        namespace(APP_NS, Map.of("meshless.io/inject", "enabled"));
    }

    /** The healthy cluster: self-managed serving certificate, one injected pod in "shop". */
    public static MeshCluster healthy(Path servingDir) {
        MeshCluster cluster = new MeshCluster();
        cluster.deployment(List.of(), 2);
        cluster.webhookConfiguration(null);
        cluster.serviceAccount(APP_NS, "orders");
        cluster.injectedPod(APP_NS, "orders-1", "orders");
        cluster.runController(servingDir, true, b -> b);
        return cluster;
    }

    public void namespace(String name, Map<String, String> labels) {
        ApiObjects.namespace(admin, name, labels);
    }

    /** The chart's Deployment; {@code extraArgs} after the chart's, {@code ready} replicas of 2. */
    public void deployment(List<String> extraArgs, int ready) {
        List<String> args = new ArrayList<>(List.of(
                "serve",
                "--port=8443",
                "--trust-domain=cluster.local",
                "--ca-secret-name=" + CA_SECRET,
                "--service-name=" + INJECTOR,
                "--webhook-config-name=" + INJECTOR));
        args.addAll(extraArgs);
        boolean secretMode = extraArgs.stream().anyMatch(a -> a.startsWith("--tls-cert-file"));
        DeploymentBuilder b = new DeploymentBuilder()
                .withNewMetadata()
                .withNamespace(NAMESPACE)
                .withName(INJECTOR)
                .endMetadata()
                .withNewSpec()
                .withReplicas(2)
                .withNewTemplate()
                .withNewSpec()
                .addNewContainer()
                .withName("injector")
                .withImage("ghcr.io/meshless/meshless-injector:0.1.0")
                .withArgs(args)
                .addNewVolumeMount()
                .withName(secretMode ? "webhook-tls" : "webhook-certs")
                .withMountPath(secretMode ? "/var/run/meshless/webhook-tls" : "/var/run/meshless/webhook-certs")
                .endVolumeMount()
                .endContainer()
                .addNewVolume()
                .withName(secretMode ? "webhook-tls" : "webhook-certs")
                .endVolume()
                .endSpec()
                .endTemplate()
                .endSpec();
        Deployment deployment = b.build();
        io.fabric8.kubernetes.api.model.Volume volume =
                deployment.getSpec().getTemplate().getSpec().getVolumes().get(0);
        if (secretMode) {
            volume.setSecret(new io.fabric8.kubernetes.api.model.SecretVolumeSourceBuilder()
                    .withSecretName(SERVING_SECRET)
                    .build());
        } else {
            volume.setEmptyDir(new io.fabric8.kubernetes.api.model.EmptyDirVolumeSource());
        }
        admin.apps().deployments().inNamespace(NAMESPACE).resource(deployment).create();
        readyReplicas(ready);
    }

    public void readyReplicas(int ready) {
        Deployment current = admin.apps()
                .deployments()
                .inNamespace(NAMESPACE)
                .withName(INJECTOR)
                .get();
        current.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
                .withReplicas(2)
                .withReadyReplicas(ready)
                .build());
        admin.apps().deployments().inNamespace(NAMESPACE).resource(current).updateStatus();
    }

    /** The chart's two entries (namespace and pod label opt-in); {@code caBundle} null as self-managed renders it. */
    public void webhookConfiguration(String caBundle) {
        MutatingWebhookConfigurationBuilder b = new MutatingWebhookConfigurationBuilder()
                .withNewMetadata()
                .withName(INJECTOR)
                .endMetadata();
        for (String entry : List.of("namespace.inject.meshless.io", "pod.inject.meshless.io")) {
            b.addNewWebhook()
                    .withName(entry)
                    .withAdmissionReviewVersions("v1")
                    .withSideEffects("NoneOnDryRun")
                    .withNewClientConfig()
                    .withCaBundle(caBundle)
                    .withNewService()
                    .withNamespace(NAMESPACE)
                    .withName(INJECTOR)
                    .withPath("/mutate")
                    .withPort(443)
                    .endService()
                    .endClientConfig()
                    .withNewNamespaceSelector()
                    .withMatchExpressions(new LabelSelectorRequirementBuilder()
                            .withKey("kubernetes.io/metadata.name")
                            .withOperator("NotIn")
                            .withValues("kube-system", "kube-public", "kube-node-lease", NAMESPACE, "legacy")
                            .build())
                    .endNamespaceSelector()
                    .endWebhook();
        }
        admin.admissionRegistration()
                .v1()
                .mutatingWebhookConfigurations()
                .resource(b.build())
                .create();
    }

    public MutatingWebhookConfiguration webhook() {
        return admin.admissionRegistration()
                .v1()
                .mutatingWebhookConfigurations()
                .withName(INJECTOR)
                .get();
    }

    /** Sets every entry's caBundle. */
    public void caBundle(String base64) {
        MutatingWebhookConfiguration config = webhook();
        for (MutatingWebhook w : config.getWebhooks()) {
            w.getClientConfig().setCaBundle(base64);
        }
        admin.admissionRegistration()
                .v1()
                .mutatingWebhookConfigurations()
                .resource(config)
                .update();
    }

    public void serviceAccount(String namespace, String name) {
        ApiObjects.serviceAccount(admin, namespace, name, Map.of());
    }

    /** An opted-in pod run through the real webhook logic, so it carries exactly the webhook's marks. */
    public void injectedPod(String namespace, String name, String serviceAccount) {
        Pod optedIn = pod(namespace, name, serviceAccount, Map.of(), Map.of("meshless.io/inject", "true"));
        Injection injection;
        try {
            injection = new PodInjector(InjectionSettings.defaults(), KubernetesJson.newMapper())
                    .inject(optedIn, namespace, Map.of());
        } catch (InjectionDenied e) {
            throw new AssertionError("the webhook refused the test pod: " + e.getMessage(), e);
        }
        assertThat(injection.outcome()).isEqualTo(Injection.Outcome.INJECTED);
        admin.pods().inNamespace(namespace).resource(injection.pod()).create();
    }

    /** A pod that did not come through the webhook. */
    public void plainPod(String namespace, String name, Map<String, String> labels, Map<String, String> annotations) {
        admin.pods()
                .inNamespace(namespace)
                .resource(pod(namespace, name, "default", labels, annotations))
                .create();
    }

    public void podPhase(String namespace, String name, String phase) {
        Pod pod = admin.pods().inNamespace(namespace).withName(name).get();
        pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                .withPhase(phase)
                .build());
        admin.pods().inNamespace(namespace).resource(pod).updateStatus();
    }

    private static Pod pod(
            String namespace,
            String name,
            String serviceAccount,
            Map<String, String> labels,
            Map<String, String> annotations) {
        return new PodBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .withLabels(labels)
                .withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                .withServiceAccountName(serviceAccount)
                .addNewContainer()
                .withName("app")
                .withImage("eclipse-temurin:21")
                .endContainer()
                .endSpec()
                .build();
    }

    /**
     * Runs the real controller at {@link #T0} until it has written the workload Secret of
     * shop/orders (and, when {@code managesWebhook}, the caBundle), then stops it.
     */
    public void runController(
            Path servingDir, boolean managesWebhook, UnaryOperator<ControllerConfig.Builder> settings) {
        ControllerConfig.Builder b = ControllerConfig.builder()
                .namespace(NAMESPACE)
                .identity("replica-a")
                .caSecretName(CA_SECRET)
                .serviceName(INJECTOR)
                .webhookConfigurationName(managesWebhook ? INJECTOR : null)
                .servingCertDir(managesWebhook ? servingDir : null)
                .resyncInterval(Duration.ofHours(1))
                .retryPeriod(Duration.ofMillis(200));
        try (KubernetesClient client = server.createClient();
                CertificateController controller =
                        new CertificateController(client, settings.apply(b).build(), Clock.fixed(T0, ZoneOffset.UTC))) {
            controller.start();
            // Fabric8's own watch-based wait: the leader's first pass writes these.
            admin.secrets()
                    .inNamespace(APP_NS)
                    .withName("meshless-orders")
                    .waitUntilCondition(Objects::nonNull, 60, TimeUnit.SECONDS);
            // "shop" opted in with its label: the trust bundle is published there.
            admin.configMaps()
                    .inNamespace(APP_NS)
                    .withName("meshless-ca-bundle")
                    .waitUntilCondition(Objects::nonNull, 60, TimeUnit.SECONDS);
            if (managesWebhook) {
                admin.admissionRegistration()
                        .v1()
                        .mutatingWebhookConfigurations()
                        .withName(INJECTOR)
                        .waitUntilCondition(
                                c -> c != null
                                        && c.getWebhooks().stream()
                                                .allMatch(
                                                        w -> w.getClientConfig().getCaBundle() != null),
                                60,
                                TimeUnit.SECONDS);
            }
        }
    }

    public Secret secret(String namespace, String name) {
        return admin.secrets().inNamespace(namespace).withName(name).get();
    }

    public void putSecret(Secret secret) {
        admin.secrets()
                .inNamespace(secret.getMetadata().getNamespace())
                .resource(secret)
                .createOr(r -> r.update());
    }

    public void deleteSecret(String namespace, String name) {
        admin.secrets().inNamespace(namespace).withName(name).delete();
    }

    /** A kubernetes.io/tls Secret holding a certificate with its key, and a bundle. */
    public static Secret tlsSecret(String namespace, String name, HeldCertificate held, List<X509Certificate> bundle) {
        return new SecretBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .endMetadata()
                .withType("kubernetes.io/tls")
                .addToData("tls.crt", base64(held.chainPem()))
                .addToData("tls.key", base64(held.privateKeyPem()))
                .addToData("ca.crt", base64(Pem.encode(bundle)))
                .build();
    }

    public static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * API discovery answers as a cluster that serves PodCertificateRequests in these versions
     * ("v1", "v1beta1", or none); a cluster that is not told serves none, as before Kubernetes 1.35.
     */
    public void servePodCertificateRequests(String... versions) {
        if (discoveryAnswered) {
            throw new IllegalStateException("API discovery is answered already");
        }
        discoveryAnswered = true;
        PodCertificateDiscovery.serve(server, versions);
    }

    private void answerDiscovery() {
        if (!discoveryAnswered) {
            servePodCertificateRequests();
        }
    }

    /** The report of {@code check} for release "meshless" in "meshless-system", at {@code at}. */
    /** The result of the check {@code id} in {@code report}. */
    public static CheckResult result(CheckReport report, String id) {
        return report.results().stream()
                .filter(r -> r.id().equals(id))
                .findFirst()
                .orElseThrow();
    }

    /** A root CA of its own, valid 30 days from {@link #T0}: one no bundle of the mesh holds. */
    public static HeldCertificate otherCa(String commonName) {
        return CertificateAuthority.createRoot(
                        commonName, Duration.ofDays(30), KeyType.EC_P256, Clock.fixed(T0, ZoneOffset.UTC))
                .held();
    }

    public CheckReport check(Instant at) throws ClusterReadException {
        answerDiscovery();
        ClusterState state = new ClusterReader(admin).read(InjectorNames.forRelease(NAMESPACE, RELEASE));
        return new ClusterCheck(Clock.fixed(at, ZoneOffset.UTC)).evaluate(state);
    }

    /** A kubeconfig for this mock server, for the command line's --kubeconfig. */
    public String kubeconfig() {
        answerDiscovery();
        String url = admin.getConfiguration().getMasterUrl();
        return String.join(
                "\n",
                "apiVersion: v1",
                "kind: Config",
                "clusters:",
                "- name: mock",
                "  cluster:",
                "    server: " + url,
                "contexts:",
                "- name: mock",
                "  context:",
                "    cluster: mock",
                "    user: mock",
                "current-context: mock",
                "users:",
                "- name: mock",
                "  user:",
                "    token: mock-token",
                "");
    }

    @Override
    public void close() {
        admin.close();
        server.destroy();
    }
}
