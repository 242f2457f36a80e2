package io.meshless.injector.controller;

import static io.meshless.injector.controller.ControllerHarness.APP_NS;
import static io.meshless.injector.controller.ControllerHarness.NAMESPACE;
import static io.meshless.injector.controller.ControllerHarness.certificates;
import static io.meshless.injector.controller.ControllerHarness.fingerprints;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.meshless.injector.webhook.IdentitySource;
import io.meshless.injector.webhook.PodLayout;
import io.meshless.pki.CertificateReader;
import io.meshless.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trust bundle ConfigMap {@code meshless-ca-bundle} against the mock API server in CRUD mode:
 * where it is published, how it follows a CA rotation, how it is repaired, and that a ConfigMap of
 * that name someone else made is left alone.
 */
class TrustBundleTest {

    private static final String LABELLED_NS = "payments";
    private static final String OTHER_NS = "batch";
    /** The informer's first list of every ConfigMap named meshless-ca-bundle. */
    private static final String CONFIG_MAP_LIST =
            "/api/v1/configmaps?fieldSelector=metadata.name%3Dmeshless-ca-bundle&resourceVersion=0";

    @TempDir
    Path servingDir;

    private ControllerHarness h;

    @BeforeEach
    void cluster() {
        h = new ControllerHarness();
        h.namespace(LABELLED_NS, Map.of("meshless.io/inject", "enabled"));
        h.namespace(OTHER_NS, Map.of("meshless.io/inject", "disabled"));
        h.serviceAccount(APP_NS, "orders");
        h.webhookConfiguration();
        // "shop" has no label: an injected pod (annotation opt-in) makes it opted in.
        h.injectedPod(APP_NS, "orders-1", "orders", IdentitySource.POD_CERTIFICATES);
        h.plainPod(OTHER_NS, "job-1", "default", Map.of(), Map.of());
    }

    @AfterEach
    void shutdown() {
        h.close();
    }

    @Test
    void theWebhookProjectsTheConfigMapTheControllerPublishes() {
        assertThat(PodLayout.CA_BUNDLE_CONFIG_MAP).isEqualTo(MeshlessMetadata.TRUST_BUNDLE_CONFIG_MAP);
        assertThat(h.admin
                        .pods()
                        .inNamespace(APP_NS)
                        .withName("orders-1")
                        .get()
                        .getSpec()
                        .getVolumes())
                .anySatisfy(v -> assertThat(v.getProjected().getSources()).anySatisfy(s -> assertThat(s.getConfigMap())
                        .isNotNull()
                        .satisfies(c -> assertThat(c.getName()).isEqualTo("meshless-ca-bundle"))));
    }

    @Test
    void publishesTheMeshBundleInOptedInNamespacesOnly() throws Exception {
        CertificateController controller =
                h.startLeader("replica-a", h.config("replica-a", servingDir).build());
        awaitConfigMap(APP_NS);
        awaitConfigMap(LABELLED_NS);
        controller.reconcileNow();

        Set<String> caBundle = fingerprints(certificates(h.secret(NAMESPACE, "meshless-ca"), "ca.crt"));
        for (String namespace : List.of(APP_NS, LABELLED_NS)) {
            ConfigMap published = configMap(namespace);
            assertThat(published.getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/managed-by", "meshless")
                    .containsEntry("app.kubernetes.io/component", "trust-bundle");
            assertThat(published.getData()).containsOnlyKeys("ca.crt");
            assertThat(bundle(namespace)).isEqualTo(caBundle);
        }
        // Exactly the PEM a workload Secret's ca.crt carries.
        h.serviceAccount(LABELLED_NS, "ledger");
        h.injectedPod(LABELLED_NS, "ledger-1", "ledger");
        String secretBundle = ControllerHarness.text(h.awaitSecret(LABELLED_NS, "meshless-ledger"), "ca.crt");
        assertThat(configMap(LABELLED_NS).getData().get("ca.crt")).isEqualTo(secretBundle);

        assertThat(configMap(OTHER_NS)).as("namespace that did not opt in").isNull();
        assertThat(configMap(NAMESPACE)).as("the injector's own namespace").isNull();

        // A namespace that opts in later gets it from the namespace watch alone.
        h.namespace("late", Map.of("meshless.io/inject", "enabled"));
        awaitConfigMap("late");
    }

    @Test
    void publishesInEveryNamespaceWhenConfiguredSo() throws Exception {
        CertificateController controller = h.startLeader(
                "replica-a",
                h.config("replica-a", servingDir).trustBundleAllNamespaces(true).build());
        for (String namespace : List.of(APP_NS, LABELLED_NS, OTHER_NS, NAMESPACE)) {
            awaitConfigMap(namespace);
        }
        h.namespace("late", Map.of());
        awaitConfigMap("late");
        controller.reconcileNow();
        assertThat(bundle(OTHER_NS))
                .isEqualTo(fingerprints(certificates(h.secret(NAMESPACE, "meshless-ca"), "ca.crt")));
    }

    @Test
    void followsTheCaRotationWithBothCasDuringTheOverlapThenOnlyTheNew() throws Exception {
        h.serviceAccount(LABELLED_NS, "ledger");
        h.injectedPod(LABELLED_NS, "ledger-1", "ledger");
        CertificateController controller =
                h.startLeader("replica-a", h.config("replica-a", servingDir).build());
        awaitConfigMap(APP_NS);
        h.awaitSecret(LABELLED_NS, "meshless-ledger");
        controller.reconcileNow();
        X509Certificate oldCa =
                certificates(h.secret(NAMESPACE, "meshless-ca"), "tls.crt").get(0);
        assertThat(bundle(APP_NS)).containsExactly(Fingerprints.of(oldCa));

        h.requestCaRotation();
        h.clock.advance(Duration.ofMinutes(1));
        controller.reconcileNow();
        X509Certificate newCa =
                certificates(h.secret(NAMESPACE, "meshless-ca"), "next.crt").get(0);
        Set<String> both = Set.of(Fingerprints.of(oldCa), Fingerprints.of(newCa));
        assertThat(bundle(APP_NS)).isEqualTo(both);
        assertThat(bundle(LABELLED_NS)).isEqualTo(both);

        // Leaves switch to the new CA; the old one stays trusted until its last leaf expired.
        h.clock.advance(Duration.ofMinutes(6));
        controller.reconcileNow();
        assertThat(h.secret(NAMESPACE, "meshless-ca").getMetadata().getAnnotations())
                .containsEntry(MeshlessMetadata.CA_PHASE, "retiring");
        assertThat(bundle(APP_NS)).isEqualTo(both);

        Instant retireAfter = Instant.parse(h.secret(NAMESPACE, "meshless-ca")
                .getMetadata()
                .getAnnotations()
                .get(MeshlessMetadata.CA_RETIRE_AFTER));
        h.clock.set(retireAfter.plusSeconds(1));
        controller.reconcileNow();
        assertThat(h.secret(NAMESPACE, "meshless-ca").getMetadata().getAnnotations())
                .containsEntry(MeshlessMetadata.CA_PHASE, "stable");
        assertThat(bundle(APP_NS)).containsExactly(Fingerprints.of(newCa));
        assertThat(bundle(LABELLED_NS)).containsExactly(Fingerprints.of(newCa));
    }

    @Test
    void theRotationWaitsUntilEveryConfigMapHoldsTheNewCaAndAFailedWriteIsAnEvent() throws Exception {
        CertificateController controller =
                h.startLeader("replica-a", h.config("replica-a", servingDir).build());
        awaitConfigMap(APP_NS);
        controller.reconcileNow();
        Set<String> oldBundle = bundle(APP_NS);
        // The API refuses every write of the shop ConfigMap from now on.
        h.server
                .expect()
                .put()
                .withPath("/api/v1/namespaces/" + APP_NS + "/configmaps/meshless-ca-bundle")
                .andReturn(403, forbidden("configmaps \"meshless-ca-bundle\" is forbidden"))
                .always();
        h.requestCaRotation();
        controller.reconcileNow();
        assertThat(h.secret(NAMESPACE, "meshless-ca").getMetadata().getAnnotations())
                .containsEntry(MeshlessMetadata.CA_PHASE, "publishing");
        assertThat(bundle(LABELLED_NS)).hasSize(2);
        assertThat(bundle(APP_NS)).isEqualTo(oldBundle);

        // Past the propagation delay the new CA would sign, but shop does not trust it yet.
        h.clock.advance(Duration.ofMinutes(10));
        controller.reconcileNow();
        controller.reconcileNow();
        assertThat(h.secret(NAMESPACE, "meshless-ca").getMetadata().getAnnotations())
                .containsEntry(MeshlessMetadata.CA_PHASE, "publishing");
        assertThat(h.admin.v1().events().inNamespace(APP_NS).list().getItems())
                .filteredOn(e -> EventReasons.TRUST_BUNDLE_FAILED.equals(e.getReason()))
                .singleElement()
                .satisfies(event -> {
                    assertThat(event.getType()).isEqualTo("Warning");
                    assertThat(event.getInvolvedObject().getKind()).isEqualTo("ConfigMap");
                    assertThat(event.getInvolvedObject().getName()).isEqualTo("meshless-ca-bundle");
                    assertThat(event.getInvolvedObject().getUid())
                            .isEqualTo(configMap(APP_NS).getMetadata().getUid());
                    assertThat(event.getMessage()).contains("forbidden");
                });

        h.server.clearExpectations();
        controller.reconcileNow(); // repairs shop's ConfigMap
        controller.reconcileNow(); // now every bundle holds the new CA: it signs
        assertThat(bundle(APP_NS)).hasSize(2);
        assertThat(h.secret(NAMESPACE, "meshless-ca").getMetadata().getAnnotations())
                .containsEntry(MeshlessMetadata.CA_PHASE, "retiring");
    }

    @Test
    void withoutPermissionOnConfigMapsTheRestOfTheControllerStillRuns() {
        h.server
                .expect()
                .get()
                .withPath(CONFIG_MAP_LIST)
                .andReturn(403, forbidden("configmaps is forbidden"))
                .always();
        h.serviceAccount(LABELLED_NS, "ledger");
        h.injectedPod(LABELLED_NS, "ledger-1", "ledger");
        CertificateController controller =
                h.startLeader("replica-a", h.config("replica-a", servingDir).build());

        h.awaitSecret(LABELLED_NS, "meshless-ledger");
        controller.reconcileNow();
        assertThat(configMap(LABELLED_NS)).isNull();
        assertThat(controller.ready()).isTrue();
    }

    static io.fabric8.kubernetes.api.model.Status forbidden(String message) {
        return new io.fabric8.kubernetes.api.model.StatusBuilder()
                .withStatus("Failure")
                .withCode(403)
                .withReason("Forbidden")
                .withMessage(message)
                .build();
    }

    @Test
    void repairsTheConfigMapAfterDeletionAndAfterAnEdit() throws Exception {
        h.startLeader("replica-a", h.config("replica-a", servingDir).build());
        ConfigMap original = awaitConfigMap(APP_NS);

        h.admin.configMaps().inNamespace(APP_NS).withName("meshless-ca-bundle").delete();
        // The deletion reaches the controller as a watch event, which drives the repair.
        Await.atMost(Duration.ofSeconds(30))
                .until(
                        "the deleted ConfigMap to be published again",
                        () -> configMap(APP_NS) != null
                                && configMap(APP_NS).getData().equals(original.getData()));

        h.admin
                .configMaps()
                .inNamespace(APP_NS)
                .resource(new ConfigMapBuilder(configMap(APP_NS))
                        .withData(Map.of("ca.crt", "edited", "extra", "value"))
                        .build())
                .update();
        Await.atMost(Duration.ofSeconds(30)).until("the edited ConfigMap to be repaired", () -> original.getData()
                .equals(configMap(APP_NS).getData()));
    }

    @Test
    void leavesAForeignConfigMapOfThatNameAloneAndSaysSoInAnEvent() {
        ConfigMap foreign = h.admin
                .configMaps()
                .inNamespace(APP_NS)
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withNamespace(APP_NS)
                        .withName("meshless-ca-bundle")
                        .addToLabels("app.kubernetes.io/managed-by", "trust-manager")
                        .endMetadata()
                        .withData(Map.of("ca.crt", "theirs"))
                        .build())
                .create();
        CertificateController controller =
                h.startLeader("replica-a", h.config("replica-a", servingDir).build());
        awaitConfigMap(LABELLED_NS);
        controller.reconcileNow();

        ConfigMap after = configMap(APP_NS);
        assertThat(after.getData()).containsExactly(Map.entry("ca.crt", "theirs"));
        assertThat(after.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "trust-manager");
        assertThat(h.admin.v1().events().inNamespace(APP_NS).list().getItems())
                .filteredOn(e -> EventReasons.TRUST_BUNDLE_NOT_MANAGED.equals(e.getReason()))
                .singleElement()
                .satisfies((Event event) -> {
                    assertThat(event.getType()).isEqualTo("Warning");
                    assertThat(event.getInvolvedObject().getKind()).isEqualTo("ConfigMap");
                    assertThat(event.getInvolvedObject().getName()).isEqualTo("meshless-ca-bundle");
                    assertThat(event.getInvolvedObject().getUid())
                            .isEqualTo(foreign.getMetadata().getUid());
                    assertThat(event.getMessage()).contains("not managed by meshless");
                });
    }

    private ConfigMap configMap(String namespace) {
        return h.admin
                .configMaps()
                .inNamespace(namespace)
                .withName("meshless-ca-bundle")
                .get();
    }

    private ConfigMap awaitConfigMap(String namespace) {
        return Await.atMost(Duration.ofSeconds(60))
                .untilPresent("ConfigMap " + namespace + "/meshless-ca-bundle", () -> configMap(namespace));
    }

    private Set<String> bundle(String namespace) throws Exception {
        String pem = configMap(namespace).getData().get("ca.crt");
        return fingerprints(CertificateReader.parse(pem.getBytes(StandardCharsets.US_ASCII), "ca.crt"));
    }
}
