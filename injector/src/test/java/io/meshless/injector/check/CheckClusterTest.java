package io.meshless.injector.check;

import static io.meshless.injector.check.MeshCluster.T0;
import static io.meshless.injector.check.MeshCluster.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyType;
import io.meshless.pki.Pem;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check} against a mock API server: a cluster the real controller set up, then broken one way at a time. */
class CheckClusterTest {

    private static final Instant LATER = T0.plus(Duration.ofHours(1));

    @TempDir
    Path servingDir;

    private MeshCluster cluster;

    @BeforeEach
    void startHealthyCluster() {
        cluster = MeshCluster.healthy(servingDir);
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * Checks the cluster at {@code at} and asserts that every check passes but those named, which end with the
     * status that follows each id.
     */
    private CheckReport checkAllPassBut(Instant at, Object... idAndStatus) throws ClusterReadException {
        CheckReport report = cluster.check(at);
        Map<String, CheckStatus> outcomes = new LinkedHashMap<>();
        report.results().forEach(r -> outcomes.put(r.id(), r.status()));
        Map<String, CheckStatus> expected = new LinkedHashMap<>();
        for (MeshCheck c : ClusterCheck.CHECKS) {
            expected.put(c.id(), CheckStatus.PASS);
        }
        for (int i = 0; i < idAndStatus.length; i += 2) {
            assertThat(expected).containsKey((String) idAndStatus[i]);
            expected.put((String) idAndStatus[i], (CheckStatus) idAndStatus[i + 1]);
        }
        assertThat(outcomes).containsExactlyEntriesOf(expected);
        return report;
    }

    @Test
    void healthyClusterPassesEveryCheck() throws Exception {

        CheckReport report = checkAllPassBut(LATER);
        assertThat(report.exitCode()).isZero();
    }

    @Test
    void injectorWithoutReadyReplicaFails() throws Exception {
        cluster.readyReplicas(0);

        CheckReport report = checkAllPassBut(LATER, "injector-ready", CheckStatus.FAIL);
        assertThat(result(report, "injector-ready").detail()).contains("0/2 replicas ready");
        assertThat(result(report, "injector-ready").fix())
                .contains("kubectl -n meshless-system describe deployment meshless-injector");
        assertThat(report.exitCode()).isEqualTo(1);
    }

    @Test
    void injectorWithSomeReplicasReadyWarnsAndStillExitsZero() throws Exception {
        cluster.readyReplicas(1);

        CheckReport report = checkAllPassBut(LATER, "injector-ready", CheckStatus.WARN);
        assertThat(result(report, "injector-ready").detail()).contains("1/2 replicas ready");
        assertThat(report.exitCode()).isZero();
    }

    @Test
    void missingInjectorDeploymentFails() throws Exception {
        cluster.admin
                .apps()
                .deployments()
                .inNamespace(MeshCluster.NAMESPACE)
                .withName(MeshCluster.INJECTOR)
                .delete();

        CheckReport report = checkAllPassBut(LATER, "injector-ready", CheckStatus.FAIL);
        assertThat(result(report, "injector-ready").detail())
                .isEqualTo("Deployment meshless-system/meshless-injector not found");
        assertThat(report.exitCode()).isEqualTo(1);
    }

    @Test
    void missingWebhookConfigurationFailsBothWebhookChecks() throws Exception {
        cluster.admin
                .admissionRegistration()
                .v1()
                .mutatingWebhookConfigurations()
                .withName(MeshCluster.INJECTOR)
                .delete();

        CheckReport report =
                checkAllPassBut(LATER, "webhook-configured", CheckStatus.FAIL, "webhook-ca-bundle", CheckStatus.FAIL);
        assertThat(result(report, "webhook-configured").detail())
                .isEqualTo("MutatingWebhookConfiguration meshless-injector not found: no pod is injected");
        assertThat(report.exitCode()).isEqualTo(1);
    }

    @Test
    void webhookEntryWithoutCaBundleFails() throws Exception {
        cluster.caBundle(null);

        CheckReport report =
                checkAllPassBut(LATER, "webhook-configured", CheckStatus.FAIL, "webhook-ca-bundle", CheckStatus.FAIL);
        assertThat(result(report, "webhook-configured").detail())
                .isEqualTo("entry namespace.inject.meshless.io has no caBundle: the API server cannot call it");
        assertThat(result(report, "webhook-configured").fix()).contains("the injector's leading controller writes it");
    }

    @Test
    void webhookCallingAnotherServiceFails() throws Exception {
        var config = cluster.webhook();
        config.getWebhooks().get(1).getClientConfig().getService().setName("someone-else");
        cluster.admin
                .admissionRegistration()
                .v1()
                .mutatingWebhookConfigurations()
                .resource(config)
                .update();

        CheckReport report = checkAllPassBut(LATER, "webhook-configured", CheckStatus.FAIL);
        assertThat(result(report, "webhook-configured").detail())
                .isEqualTo("entry pod.inject.meshless.io calls Service meshless-system/someone-else,"
                        + " not the injector's Service meshless-system/meshless-injector");
    }

    @Test
    void caBundleOfAnotherCaFails() throws Exception {
        HeldCertificate foreign = MeshCluster.otherCa("Foreign CA");
        cluster.caBundle(MeshCluster.base64(Pem.encode(foreign.chain())));

        CheckReport report = checkAllPassBut(LATER, "webhook-ca-bundle", CheckStatus.FAIL);
        assertThat(result(report, "webhook-ca-bundle").detail())
                .startsWith("MutatingWebhookConfiguration meshless-injector entry namespace.inject.meshless.io"
                        + " caBundle: the mesh CA (Secret meshless-system/meshless-ca)")
                .contains("does not verify against the CA certificates [CN=Foreign CA]");
    }

    @Test
    void caBundleThatIsNotPemFails() throws Exception {
        cluster.caBundle(MeshCluster.base64("not a certificate"));

        CheckReport report = checkAllPassBut(LATER, "webhook-ca-bundle", CheckStatus.FAIL);
        assertThat(result(report, "webhook-ca-bundle").detail())
                .startsWith(
                        "MutatingWebhookConfiguration meshless-injector entry namespace.inject.meshless.io caBundle");
    }

    @Test
    void missingMeshCaFailsTheChecksThatNeedIt() throws Exception {
        cluster.deleteSecret(MeshCluster.NAMESPACE, MeshCluster.CA_SECRET);

        CheckReport report = checkAllPassBut(
                LATER,
                "webhook-ca-bundle",
                CheckStatus.FAIL,
                "mesh-ca",
                CheckStatus.FAIL,
                "ca-rotation",
                CheckStatus.FAIL);
        assertThat(result(report, "mesh-ca").detail())
                .isEqualTo("Secret meshless-system/meshless-ca not found: no workload certificate can be issued");
    }

    @Test
    void userCaExpiringWithinThirtyDaysWarns(@TempDir Path userCaServingDir) throws Exception {
        HeldCertificate ca = CertificateAuthority.createRoot(
                        "Team CA",
                        Duration.ofDays(50),
                        KeyType.EC_P256,
                        Clock.fixed(T0.minus(Duration.ofDays(30)), ZoneOffset.UTC))
                .held();
        cluster.close();
        cluster = userCaCluster(ca, userCaServingDir);

        CheckReport report = checkAllPassBut(LATER, "mesh-ca", CheckStatus.WARN);
        assertThat(result(report, "mesh-ca").detail()).startsWith("CN=Team CA (user-supplied) valid until");
        assertThat(result(report, "mesh-ca").fix()).startsWith("renew your CA in Secret meshless-system/meshless-ca");
        assertThat(result(report, "ca-rotation").detail()).startsWith("user-supplied CA");
        assertThat(report.exitCode()).isZero();
    }

    @Test
    void expiredMeshCaFails() throws Exception {
        HeldCertificate expired = CertificateAuthority.createRoot(
                        "Old CA",
                        Duration.ofDays(10),
                        KeyType.EC_P256,
                        Clock.fixed(T0.minus(Duration.ofDays(11)), ZoneOffset.UTC))
                .held();
        cluster.putSecret(
                MeshCluster.tlsSecret(MeshCluster.NAMESPACE, MeshCluster.CA_SECRET, expired, expired.chain()));

        // The webhook's caBundle no longer holds the CA in the Secret either; user-supplied now, no rotation.
        CheckReport report = checkAllPassBut(LATER, "webhook-ca-bundle", CheckStatus.FAIL, "mesh-ca", CheckStatus.FAIL);
        assertThat(result(report, "mesh-ca").detail())
                .startsWith("Secret meshless-system/meshless-ca field tls.crt: CN=Old CA expired ");
    }

    @Test
    void rotationStuckInPublishingWarns() throws Exception {
        HeldCertificate next = CertificateAuthority.createRoot(
                        "Next CA", Duration.ofDays(365), KeyType.EC_P256, Clock.fixed(T0, ZoneOffset.UTC))
                .held();
        Secret ca = cluster.secret(MeshCluster.NAMESPACE, MeshCluster.CA_SECRET);
        ca.getMetadata().getAnnotations().put("meshless.io/ca-rotation-phase", "publishing");
        ca.getMetadata().getAnnotations().put("meshless.io/ca-rotation-since", T0.toString());
        ca.getData().put("next.crt", MeshCluster.base64(Pem.encode(next.chain())));
        cluster.putSecret(ca);

        CheckReport soon = checkAllPassBut(T0.plus(Duration.ofMinutes(10)));
        CheckReport stuck = checkAllPassBut(T0.plus(Duration.ofHours(2)), "ca-rotation", CheckStatus.WARN);

        assertThat(result(soon, "ca-rotation").detail())
                .isEqualTo("publishing the next CA since " + T0
                        + "; 0 of 1 workload bundles hold it (not yet: shop/meshless-orders)");
        assertThat(stuck.exitCode()).isZero();
    }

    @Test
    void unknownRotationPhaseFails() throws Exception {
        Secret ca = cluster.secret(MeshCluster.NAMESPACE, MeshCluster.CA_SECRET);
        ca.getMetadata().getAnnotations().put("meshless.io/ca-rotation-phase", "Publishing");
        cluster.putSecret(ca);

        CheckReport report = checkAllPassBut(LATER, "ca-rotation", CheckStatus.FAIL);
        assertThat(result(report, "ca-rotation").detail())
                .isEqualTo("Secret meshless-system/meshless-ca annotation meshless.io/ca-rotation-phase:"
                        + " unknown rotation phase 'Publishing', expected stable, publishing or retiring");
    }

    @Test
    void workloadCertificatePastItsRenewalTimeIsOverdue() throws Exception {

        // 24 h certificates renew at 16 h plus up to 5% jitter; at 20 h nobody renewed it.
        CheckReport report = checkAllPassBut(T0.plus(Duration.ofHours(20)), "workload-renewal", CheckStatus.FAIL);
        assertThat(result(report, "workload-renewal").detail())
                .startsWith("1 of 1 overdue for renewal: shop/meshless-orders (due ");
    }

    @Test
    void expiredWorkloadCertificateFails() throws Exception {

        CheckReport report = checkAllPassBut(
                T0.plus(Duration.ofHours(25)),
                "workload-certificates",
                CheckStatus.FAIL,
                "workload-renewal",
                CheckStatus.FAIL);
        assertThat(result(report, "workload-certificates").detail())
                .startsWith("1 of 1 invalid: Secret shop/meshless-orders: spiffe://cluster.local/ns/shop/sa/orders"
                        + " expired 60 min ago");
    }

    @Test
    void damagedWorkloadSecretFails() throws Exception {
        Secret secret = cluster.secret(MeshCluster.APP_NS, "meshless-orders");
        secret.getData().put("tls.crt", "%%%");
        cluster.putSecret(secret);

        CheckReport report = checkAllPassBut(LATER, "workload-certificates", CheckStatus.FAIL);
        assertThat(result(report, "workload-certificates").detail())
                .startsWith("1 of 1 invalid: Secret shop/meshless-orders field tls.crt: is not valid base64");
    }

    @Test
    void workloadCertificateOfAnotherCaFails() throws Exception {
        Secret secret = cluster.secret(MeshCluster.APP_NS, "meshless-orders");
        HeldCertificate foreign = MeshCluster.otherCa("Foreign CA");
        secret.getData().put("ca.crt", MeshCluster.base64(Pem.encode(foreign.chain())));
        cluster.putSecret(secret);

        CheckReport report = checkAllPassBut(LATER, "workload-certificates", CheckStatus.FAIL);
        assertThat(result(report, "workload-certificates").detail())
                .contains("does not verify against the CA certificates [CN=Foreign CA]");
    }

    @Test
    void injectedPodWhoseSecretIsMissingFails() throws Exception {
        cluster.injectedPod(MeshCluster.APP_NS, "payments-1", "payments");
        cluster.injectedPod(MeshCluster.APP_NS, "batch-1", "batch");
        cluster.podPhase(MeshCluster.APP_NS, "batch-1", "Succeeded");

        CheckReport report = checkAllPassBut(LATER, "injected-pod-secrets", CheckStatus.FAIL);
        assertThat(result(report, "injected-pod-secrets").detail())
                .isEqualTo("1 of 2 injected pods lack their Secret: shop/payments-1 (Secret meshless-payments)");
    }

    @Test
    void optedInPodsThatWereNotInjectedFail() throws Exception {
        // Created before the namespace opted in: no webhook marks.
        cluster.plainPod(MeshCluster.APP_NS, "legacy-1", Map.of(), Map.of());
        // Not counted: opted out, finished, or in a namespace the webhook never sees.
        cluster.plainPod(MeshCluster.APP_NS, "nginx-1", Map.of(), Map.of("meshless.io/inject", "false"));
        cluster.plainPod(MeshCluster.APP_NS, "job-1", Map.of(), Map.of());
        cluster.podPhase(MeshCluster.APP_NS, "job-1", "Succeeded");
        cluster.namespace("legacy", Map.of("meshless.io/inject", "enabled"));
        cluster.plainPod("legacy", "old-1", Map.of(), Map.of());
        cluster.plainPod(MeshCluster.NAMESPACE, "tool-1", Map.of("meshless.io/inject", "true"), Map.of());
        // Opted in by pod label in a namespace that did not.
        cluster.namespace("billing", Map.of());
        cluster.plainPod("billing", "invoices-1", Map.of("meshless.io/inject", "true"), Map.of());
        cluster.plainPod("billing", "plain-1", Map.of(), Map.of());

        // "legacy" opted in after the controller stopped, so nobody published its trust bundle either.
        CheckReport report =
                checkAllPassBut(LATER, "opted-in-pods-injected", CheckStatus.FAIL, "trust-bundle", CheckStatus.FAIL);
        assertThat(result(report, "trust-bundle").detail()).isEqualTo("missing in 1 namespace of 2: legacy");
        assertThat(result(report, "opted-in-pods-injected").detail())
                .isEqualTo("2 of 3 pods that opted in run without the mesh (created before the opt-in, or while"
                        + " the webhook was unreachable): shop/legacy-1, billing/invoices-1");
        assertThat(result(report, "opted-in-pods-injected").fix())
                .isEqualTo("re-create them so the webhook injects them, e.g. kubectl -n billing/shop rollout restart"
                        + " deployment");
    }

    private static MeshCluster userCaCluster(HeldCertificate ca, Path servingDir) {
        MeshCluster c = new MeshCluster();
        c.putSecret(MeshCluster.tlsSecret(MeshCluster.NAMESPACE, MeshCluster.CA_SECRET, ca, ca.chain()));
        c.deployment(List.of(), 2);
        c.webhookConfiguration(null);
        c.serviceAccount(MeshCluster.APP_NS, "orders");
        c.injectedPod(MeshCluster.APP_NS, "orders-1", "orders");
        c.runController(servingDir, true, b -> b);
        return c;
    }
}
