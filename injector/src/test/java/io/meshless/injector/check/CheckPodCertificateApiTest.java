package io.meshless.injector.check;

import static io.meshless.injector.check.MeshCluster.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code check} reports whether the cluster serves PodCertificateRequests, as API discovery of the
 * mock server answers: a failure with its fix when the injector runs with Pod Certificates and the
 * API is missing, information otherwise.
 */
class CheckPodCertificateApiTest {

    private static final String ID = "pod-certificate-api";

    private MeshCluster cluster;

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void podCertificatesPassWhereV1beta1ServesTheApi() throws Exception {
        CheckResult result = judge("podCertificates", "v1beta1");

        assertThat(result.status()).isEqualTo(CheckStatus.PASS);
        assertThat(result.detail())
                .isEqualTo("certificates.k8s.io/v1beta1 serves PodCertificateRequests; the injector signs them as"
                        + " meshless.io/workload");
    }

    @Test
    void podCertificatesPassAndNameV1WhereV1ServesTheApi() throws Exception {
        CheckResult result = judge("podCertificates", "v1", "v1beta1");

        assertThat(result.status()).isEqualTo(CheckStatus.PASS);
        assertThat(result.detail()).startsWith("certificates.k8s.io/v1 serves PodCertificateRequests");
    }

    @Test
    void podCertificatesFailWithTheFixWhereNoVersionServesTheApi() throws Exception {
        CheckResult result = judge("podCertificates");

        assertThat(result.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(result.detail())
                .isEqualTo("identity.source=podCertificates, but this cluster serves no PodCertificateRequests"
                        + " (certificates.k8s.io v1 or v1beta1): kubelet asks no one for a certificate and opted-in"
                        + " pods wait in ContainerCreating");
        assertThat(result.fix())
                .contains("Kubernetes 1.35 or later")
                .contains("feature gate PodCertificateRequest=true")
                .contains("--runtime-config=certificates.k8s.io/v1beta1=true")
                .contains("helm upgrade --set identity.source=secret");
    }

    @Test
    void secretsOnlySayWhetherTheApiIsServed() throws Exception {
        CheckResult without = judge("secret");
        assertThat(without.status()).isEqualTo(CheckStatus.PASS);
        assertThat(without.detail())
                .isEqualTo("not needed (identity.source=secret); this cluster serves no PodCertificateRequests"
                        + " (certificates.k8s.io v1 or v1beta1)");
        stop();

        CheckResult with = judge(null, "v1");
        assertThat(with.status()).isEqualTo(CheckStatus.PASS);
        assertThat(with.detail())
                .isEqualTo("not needed (identity.source=secret); certificates.k8s.io/v1 serves PodCertificateRequests");
    }

    /** The check's result for an injector run with {@code --identity-source} (none: the default). */
    private CheckResult judge(String identitySource, String... servedVersions) throws Exception {
        cluster = new MeshCluster();
        cluster.deployment(identitySource == null ? List.of() : List.of("--identity-source=" + identitySource), 2);
        cluster.servePodCertificateRequests(servedVersions);
        return MeshCluster.result(cluster.check(T0), ID);
    }
}
