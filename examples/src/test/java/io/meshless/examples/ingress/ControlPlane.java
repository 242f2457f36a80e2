package io.meshless.examples.ingress;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.meshless.injector.controller.CertificateController;
import io.meshless.injector.controller.ControllerConfig;
import io.meshless.injector.controller.MeshlessMetadata;
import io.meshless.injector.controller.WorkloadSecretNames;
import io.meshless.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A Kubernetes API (Fabric8's mock server in CRUD mode) with the injector's real certificate
 * controller running against it: the production reconcilers issue the workload Secrets, nothing
 * here writes one.
 */
final class ControlPlane implements AutoCloseable {

    private static final String INJECTOR_NAMESPACE = "meshless";
    private static final Duration ISSUANCE_BOUND = Duration.ofSeconds(60);

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final CertificateController controller;

    private ControlPlane(KubernetesMockServer server, KubernetesClient client, CertificateController controller) {
        this.server = server;
        this.client = client;
        this.controller = controller;
    }

    /**
     * @param servingCertDir where the controller writes the webhook's own serving certificate
     * @param clock the controller's every time decision: issuance, renewal, rotation
     */
    static ControlPlane start(Path servingCertDir, Clock clock) {
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        KubernetesClient client = server.createClient();
        CertificateController controller = new CertificateController(
                client,
                ControllerConfig.builder()
                        .namespace(INJECTOR_NAMESPACE)
                        .identity("meshless-injector-0")
                        .servingCertDir(servingCertDir)
                        .build(),
                clock);
        ControlPlane plane = new ControlPlane(server, client, controller);
        try {
            controller.start();
            Await.atMost(ISSUANCE_BOUND).until("the certificate controller to lead", controller::isLeader);
            controller.reconcileNow();
        } catch (RuntimeException | AssertionError e) {
            plane.close();
            throw e;
        }
        return plane;
    }

    /** A ServiceAccount, as any workload's: the controller issues only for accounts that exist. */
    void serviceAccount(String namespace, String name) {
        serviceAccount(namespace, name, Map.of());
    }

    /** A ServiceAccount annotated {@code meshless.io/certificate: "true"}: a Secret without injected pods. */
    void certificateForServiceAccount(String namespace, String name) {
        serviceAccount(namespace, name, Map.of(MeshlessMetadata.SERVICE_ACCOUNT_CERTIFICATE, "true"));
    }

    private void serviceAccount(String namespace, String name, Map<String, String> annotations) {
        client.serviceAccounts()
                .inNamespace(namespace)
                .resource(new ServiceAccountBuilder()
                        .withNewMetadata()
                        .withNamespace(namespace)
                        .withName(name)
                        .withAnnotations(annotations)
                        .endMetadata()
                        .build())
                .create();
    }

    /** What the webhook reports after admitting an injected pod of this service account. */
    void podAdmitted(String namespace, String serviceAccount) {
        controller.serviceAccountNeedsSecret(namespace, serviceAccount);
    }

    /** The controller's periodic resync, now: a pass that renews every Secret whose renewal is due. */
    void resync() {
        controller.reconcileNow();
    }

    /** The workload Secret's data once the controller has written it, by key. */
    Map<String, byte[]> awaitWorkloadSecret(String namespace, String serviceAccount) {
        return awaitWorkloadSecret(namespace, serviceAccount, "issue", data -> true);
    }

    /** The workload Secret's data once the controller has replaced {@code previous} with another certificate. */
    Map<String, byte[]> awaitRenewedWorkloadSecret(
            String namespace, String serviceAccount, Map<String, byte[]> previous) {
        byte[] previousCertificate = previous.get("tls.crt");
        return awaitWorkloadSecret(
                namespace, serviceAccount, "renew", data -> !Arrays.equals(data.get("tls.crt"), previousCertificate));
    }

    private Map<String, byte[]> awaitWorkloadSecret(
            String namespace, String serviceAccount, String verb, Predicate<Map<String, byte[]>> wanted) {
        String name = WorkloadSecretNames.forServiceAccount(serviceAccount);
        return Await.atMost(ISSUANCE_BOUND)
                .untilPresent("the controller to " + verb + " Secret " + namespace + "/" + name, () -> {
                    Secret s = client.secrets()
                            .inNamespace(namespace)
                            .withName(name)
                            .get();
                    if (s == null || s.getData() == null || !s.getData().containsKey("tls.key")) {
                        return null;
                    }
                    Map<String, byte[]> data = data(s);
                    return wanted.test(data) ? data : null;
                });
    }

    /** Secret data by key; null when the Secret does not exist. */
    Map<String, byte[]> secret(String namespace, String name) {
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        return secret == null ? null : data(secret);
    }

    /** A Secret someone else created (the edge's server certificate, a client CA), PEM values. */
    void createSecret(String namespace, String name, String type, Map<String, String> pemData) {
        SecretBuilder secret = new SecretBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .endMetadata()
                .withType(type);
        pemData.forEach((key, value) ->
                secret.addToData(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.US_ASCII))));
        client.secrets().inNamespace(namespace).resource(secret.build()).create();
    }

    private static Map<String, byte[]> data(Secret secret) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        secret.getData()
                .forEach((key, value) -> files.put(key, Base64.getDecoder().decode(value)));
        return files;
    }

    @Override
    public void close() {
        try {
            controller.close();
        } finally {
            client.close();
            server.destroy();
        }
    }
}
