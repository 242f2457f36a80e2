package io.meshless.injector.check;

import static io.meshless.injector.check.MeshCluster.APP_NS;
import static io.meshless.injector.check.MeshCluster.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.meshless.pki.Pem;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trust bundle check on a cluster the real controller set up, then broken one way at a time. */
class CheckTrustBundleTest {

    private static final Instant LATER = T0.plus(Duration.ofHours(1));

    @TempDir
    Path servingDir;

    private MeshCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void passesWhenEveryOptedInNamespaceHoldsTheMeshBundle() throws Exception {
        cluster = MeshCluster.healthy(servingDir);
        // Neither labelled nor running injected pods: it needs no bundle.
        cluster.namespace("batch", Map.of());

        CheckResult result = trustBundle(cluster.check(LATER));

        assertThat(result.status()).isEqualTo(CheckStatus.PASS);
        assertThat(result.detail()).contains("1 namespace, each holding the mesh CA bundle");
    }

    @Test
    void failsNamingTheOptedInNamespaceWithoutIt() throws Exception {
        cluster = MeshCluster.healthy(servingDir);
        cluster.admin
                .configMaps()
                .inNamespace(APP_NS)
                .withName("meshless-ca-bundle")
                .delete();

        CheckResult result = trustBundle(cluster.check(LATER));

        assertThat(result.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(result.detail()).isEqualTo("missing in 1 namespace of 1: " + APP_NS);
        assertThat(result.fix()).contains("logs deployment/meshless-injector");
    }

    @Test
    void failsWhenItDoesNotHoldTheMeshCaBundle() throws Exception {
        cluster = MeshCluster.healthy(servingDir);
        put(new ConfigMapBuilder(bundle())
                .withData(Map.of(
                        "ca.crt", Pem.encode(MeshCluster.otherCa("Other CA").certificate())))
                .build());

        CheckResult result = trustBundle(cluster.check(LATER));

        assertThat(result.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(result.detail())
                .isEqualTo("does not hold the mesh CA bundle (meshless-system/meshless-ca field ca.crt) in " + APP_NS);
    }

    @Test
    void warnsAboutOneMeshlessDoesNotManageAndFailsWhenItsContentIsWrong() throws Exception {
        cluster = MeshCluster.healthy(servingDir);
        ConfigMap foreign = new ConfigMapBuilder(bundle())
                .editMetadata()
                .withLabels(Map.of("app.kubernetes.io/managed-by", "trust-manager"))
                .endMetadata()
                .build();
        put(foreign);

        CheckResult same = trustBundle(cluster.check(LATER));
        assertThat(same.status()).isEqualTo(CheckStatus.WARN);
        assertThat(same.detail()).contains("not managed by meshless in " + APP_NS);

        put(new ConfigMapBuilder(bundle())
                .withData(Map.of(
                        "ca.crt", Pem.encode(MeshCluster.otherCa("Other CA").certificate())))
                .build());
        CheckResult wrong = trustBundle(cluster.check(LATER));
        assertThat(wrong.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(wrong.detail()).contains(APP_NS + " (not managed by meshless)");
        assertThat(wrong.fix()).contains("delete or rename it");
    }

    @Test
    void inAllNamespacesModeEveryNamespaceNeedsIt() throws Exception {
        cluster = new MeshCluster();
        cluster.deployment(List.of("--trust-bundle-namespaces=all"), 2);
        cluster.webhookConfiguration(null);
        cluster.serviceAccount(APP_NS, "orders");
        cluster.injectedPod(APP_NS, "orders-1", "orders");
        cluster.runController(servingDir, true, b -> b.trustBundleAllNamespaces(true));

        CheckResult healthy = trustBundle(cluster.check(LATER));
        assertThat(healthy.status()).isEqualTo(CheckStatus.PASS);
        assertThat(healthy.detail()).contains("2 namespaces");

        // Created while no controller ran: nobody published it there yet.
        cluster.namespace("batch", Map.of());
        CheckResult broken = trustBundle(cluster.check(LATER));
        assertThat(broken.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(broken.detail()).isEqualTo("missing in 1 namespace of 3: batch");
    }

    private ConfigMap bundle() {
        return cluster.admin
                .configMaps()
                .inNamespace(APP_NS)
                .withName("meshless-ca-bundle")
                .get();
    }

    private void put(ConfigMap configMap) {
        cluster.admin.configMaps().inNamespace(APP_NS).resource(configMap).update();
    }

    private static CheckResult trustBundle(CheckReport report) {
        return MeshCluster.result(report, "trust-bundle");
    }
}
