package io.meshless.injector.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.meshless.injector.ApiObjects;
import io.meshless.injector.webhook.IdentitySource;
import io.meshless.injector.webhook.Injection;
import io.meshless.injector.webhook.InjectionDenied;
import io.meshless.injector.webhook.InjectionSettings;
import io.meshless.injector.webhook.KubernetesJson;
import io.meshless.injector.webhook.PodInjector;
import io.meshless.pki.CertificateReader;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.PkiException;
import io.meshless.pki.PrivateKeyReader;
import io.meshless.testing.Await;
import io.meshless.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;

/** A mock API server in CRUD mode plus the objects a controller needs, and assertions on what it wrote. */
final class ControllerHarness implements AutoCloseable {

    static final String NAMESPACE = "meshless";
    static final String APP_NS = "shop";
    static final String WEBHOOK = "meshless-injector";
    /** The node every test pod is bound to. */
    static final String NODE = "node-a";

    final KubernetesMockServer server;
    final KubernetesClient admin;
    final MutableClock clock = new MutableClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    private final List<AutoCloseable> closeables = new ArrayList<>();

    ControllerHarness() {
        // CRUD mode: the mock keeps objects, answers lists and watches like an API server; the
        // expectations set up front (API discovery) answer first.
        Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), expectations, new KubernetesMixedDispatcher(expectations), false);
        server.init();
        admin = server.createClient();
        namespace(NAMESPACE, Map.of());
        namespace(APP_NS, Map.of());
    }

    void namespace(String name, Map<String, String> labels) {
        ApiObjects.namespace(admin, name, labels);
    }

    /** Annotates the generated CA Secret {@code meshless.io/rotate-ca=true}, as a person starts a rotation. */
    void requestCaRotation() {
        admin.secrets()
                .inNamespace(NAMESPACE)
                .resource(new SecretBuilder(secret(NAMESPACE, "meshless-ca"))
                        .editMetadata()
                        .addToAnnotations(MeshlessMetadata.CA_ROTATE, "true")
                        .endMetadata()
                        .build())
                .update();
    }

    /** A client whose requests carry their own User-Agent, so the test can tell replicas apart. */
    KubernetesClient client(String userAgent) {
        KubernetesClient c = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(admin.getConfiguration())
                        .withUserAgent(userAgent)
                        .build())
                .build();
        closeables.add(c);
        return c;
    }

    ControllerConfig.Builder config(String identity, Path servingDir) {
        return ControllerConfig.builder()
                .namespace(NAMESPACE)
                .identity(identity)
                .servingCertDir(servingDir)
                .bundlePropagationDelay(Duration.ofMinutes(5))
                // Only explicit passes and events drive the tests; the resync never fires during one.
                .resyncInterval(Duration.ofHours(1))
                .leaseDuration(Duration.ofSeconds(15))
                .renewDeadline(Duration.ofSeconds(10))
                .retryPeriod(Duration.ofMillis(200));
    }

    CertificateController start(String identity, ControllerConfig config) {
        CertificateController controller = new CertificateController(client(identity), config, clock);
        closeables.add(controller);
        controller.start();
        return controller;
    }

    CertificateController startLeader(String identity, ControllerConfig config) {
        CertificateController controller = start(identity, config);
        Await.atMost(Duration.ofSeconds(60)).until(identity + " to become leader", controller::isLeader);
        controller.reconcileNow();
        return controller;
    }

    void serviceAccount(String namespace, String name) {
        serviceAccount(namespace, name, Map.of());
    }

    void serviceAccount(String namespace, String name, Map<String, String> annotations) {
        ApiObjects.serviceAccount(admin, namespace, name, annotations);
    }

    /**
     * A pod as our webhook admits it: an opted-in pod run through the real {@link PodInjector}, so
     * the controller is tested against exactly the marks (label and annotation) the webhook sets.
     */
    void injectedPod(String namespace, String name, String serviceAccount) {
        injectedPod(namespace, name, serviceAccount, IdentitySource.SECRET);
    }

    /** {@link #injectedPod(String, String, String)} with the webhook set to the given identity source. */
    void injectedPod(String namespace, String name, String serviceAccount, IdentitySource source) {
        Pod optedIn = pod(namespace, name, serviceAccount)
                .editMetadata()
                .addToAnnotations("meshless.io/inject", "true")
                .endMetadata()
                .build();
        Injection injection;
        try {
            injection = new PodInjector(
                            InjectionSettings.defaults().withIdentitySource(source), KubernetesJson.newMapper())
                    .inject(optedIn, namespace, Map.of());
        } catch (InjectionDenied e) {
            throw new AssertionError("the webhook refused the test pod: " + e.getMessage(), e);
        }
        assertThat(injection.outcome()).isEqualTo(Injection.Outcome.INJECTED);
        admin.pods().inNamespace(namespace).resource(injection.pod()).create();
    }

    /** A pod with the given extra labels and annotations that did not come through the webhook. */
    void plainPod(
            String namespace,
            String name,
            String serviceAccount,
            Map<String, String> labels,
            Map<String, String> annotations) {
        admin.pods()
                .inNamespace(namespace)
                .resource(pod(namespace, name, serviceAccount)
                        .editMetadata()
                        .addToLabels(labels)
                        .addToAnnotations(annotations)
                        .endMetadata()
                        .build())
                .create();
    }

    private static PodBuilder pod(String namespace, String name, String serviceAccount) {
        return new PodBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withServiceAccountName(serviceAccount)
                .withNodeName(NODE)
                .addNewContainer()
                .withName("app")
                .withImage("eclipse-temurin:21")
                .endContainer()
                .endSpec();
    }

    /** A Node, with a UID as the API server gives one. */
    void node(String name) {
        admin.nodes()
                .resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withUid(UUID.randomUUID().toString())
                        .endMetadata()
                        .build())
                .create();
    }

    /** See {@link PodCertificateDiscovery#serve}. */
    void servePodCertificateRequests(String... versions) {
        PodCertificateDiscovery.serve(server, versions);
    }

    void webhookConfiguration() {
        admin.admissionRegistration()
                .v1()
                .mutatingWebhookConfigurations()
                .resource(new MutatingWebhookConfigurationBuilder()
                        .withNewMetadata()
                        .withName(WEBHOOK)
                        .endMetadata()
                        .addNewWebhook()
                        .withName("pods.meshless.io")
                        .withAdmissionReviewVersions("v1")
                        .withSideEffects("NoneOnDryRun")
                        .withNewClientConfig()
                        .withNewService()
                        .withNamespace(NAMESPACE)
                        .withName("meshless-injector")
                        .withPath("/mutate")
                        .endService()
                        .endClientConfig()
                        .endWebhook()
                        .build())
                .create();
    }

    MutatingWebhookConfiguration webhook() {
        return admin.admissionRegistration()
                .v1()
                .mutatingWebhookConfigurations()
                .withName(WEBHOOK)
                .get();
    }

    Secret secret(String namespace, String name) {
        return admin.secrets().inNamespace(namespace).withName(name).get();
    }

    Secret awaitSecret(String namespace, String name) {
        return Await.atMost(Duration.ofSeconds(60))
                .untilPresent("Secret " + namespace + "/" + name, () -> secret(namespace, name));
    }

    void putSecret(String namespace, String name, Map<String, String> textData) {
        SecretBuilder b = new SecretBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .endMetadata()
                .withType("kubernetes.io/tls");
        textData.forEach(
                (k, v) -> b.addToData(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        admin.secrets().inNamespace(namespace).resource(b.build()).create();
    }

    static String text(Secret secret, String key) {
        assertThat(secret.getData())
                .as("data of %s", secret.getMetadata().getName())
                .containsKey(key);
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }

    static List<X509Certificate> certificates(Secret secret, String key) throws PkiException {
        return CertificateReader.parse(text(secret, key).getBytes(StandardCharsets.US_ASCII), key);
    }

    static HeldCertificate held(Secret secret) throws PkiException {
        return new HeldCertificate(
                PrivateKeyReader.parse(text(secret, "tls.key").getBytes(StandardCharsets.US_ASCII), null, "tls.key"),
                certificates(secret, "tls.crt"));
    }

    static Set<String> fingerprints(List<X509Certificate> certificates) {
        Set<String> out = new HashSet<>();
        for (X509Certificate c : certificates) {
            out.add(Fingerprints.of(c));
        }
        return out;
    }

    /** PKIX validation of chain (leaf first, anchor excluded) against the anchors, at the given time. */
    static void assertChainsTo(List<X509Certificate> chain, List<X509Certificate> anchors, Instant at)
            throws Exception {
        CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(chain);
        Set<TrustAnchor> trust = new HashSet<>();
        for (X509Certificate a : anchors) {
            trust.add(new TrustAnchor(a, null));
        }
        PKIXParameters params = new PKIXParameters(trust);
        params.setRevocationEnabled(false);
        params.setDate(Date.from(at));
        CertPathValidator.getInstance("PKIX").validate(path, params);
    }

    @Override
    public void close() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                // closing what is already closed
            }
        }
        admin.close();
        server.destroy();
    }
}
