package io.meshless.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChartLintTest {

    private final Chart chart = Chart.underTest();

    @Test
    void lintsStrictWithDefaultValues() {
        assertClean(chart.lintStrict(Map.of()));
    }

    @Test
    void lintsStrictInCertManagerModeWithEverythingOptionalOn() {
        assertClean(chart.lintStrict(Map.of(
                "webhook.certificate.mode",
                "cert-manager",
                "webhook.annotationOptIn.enabled",
                true,
                "networkPolicy.enabled",
                true,
                "serviceMonitor.enabled",
                true,
                "webhook.failurePolicy",
                "Ignore",
                "replicaCount",
                1)));
    }

    @Test
    void lintsStrictInUserSecretMode() {
        assertClean(chart.lintStrict(Map.of(
                "webhook.certificate.mode", "secret",
                "webhook.certificate.secret.name", "my-webhook-tls",
                "webhook.certificate.secret.caBundle", "TUVTSExFU1MtVEVTVC1DQQ==")));
    }

    @Test
    void lintFailsOnValuesTheSchemaRejects() {
        LintResult result = chart.lintStrict(Map.of("webhook.timeoutSeconds", 30));
        assertThat(result.isFailed()).isTrue();
        assertThat(String.join("\n", result.getMessages())).contains("timeoutSeconds");
    }

    @Test
    void schemaRejectsAnUnknownFailurePolicy() {
        assertThatThrownBy(() -> chart.render(Map.of("webhook.failurePolicy", "Sometimes")))
                .hasMessageContaining("failurePolicy")
                .hasMessageContaining("Fail");
    }

    @Test
    void schemaRejectsATimeoutAboveTenSeconds() {
        assertThatThrownBy(() -> chart.render(Map.of("webhook.timeoutSeconds", 11)))
                .hasMessageContaining("timeoutSeconds");
    }

    @Test
    void schemaRejectsZeroReplicas() {
        assertThatThrownBy(() -> chart.render(Map.of("replicaCount", 0))).hasMessageContaining("replicaCount");
    }

    @Test
    void schemaRejectsAnUnknownCertificateMode() {
        assertThatThrownBy(() -> chart.render(Map.of("webhook.certificate.mode", "generated")))
                .hasMessageContaining("mode");
    }

    @Test
    void schemaRejectsAnUnknownIdentitySourceAndAPodCertificateUnderAnHour() {
        assertThatThrownBy(() -> chart.render(Map.of("identity.source", "spire")))
                .hasMessageContaining("source");
        assertThatThrownBy(() -> chart.render(Map.of("identity.podCertificates.maxExpirationSeconds", 600)))
                .hasMessageContaining("maxExpirationSeconds");
    }

    @Test
    void schemaRejectsAnUnknownAgentMode() {
        assertThatThrownBy(() -> chart.render(Map.of("agent.mode", "lenient"))).hasMessageContaining("mode");
    }

    @Test
    void schemaRejectsATrustBundleScopeThatIsNotABoolean() {
        assertThatThrownBy(() -> chart.render(Map.of("trustBundle.allNamespaces", "everywhere")))
                .hasMessageContaining("allNamespaces");
    }

    @Test
    void schemaRejectsAMisspelledKey() {
        assertThatThrownBy(() -> chart.render(Map.of("webhook.failurPolicy", "Fail")))
                .hasMessageContaining("failurPolicy");
    }

    @Test
    void userSecretModeWithoutCaBundleFailsWithTheValueToSet() {
        assertThatThrownBy(() -> chart.render(Map.of(
                        "webhook.certificate.mode", "secret",
                        "webhook.certificate.secret.name", "my-webhook-tls")))
                .hasMessageContaining("webhook.certificate.secret.caBundle is required");
    }

    @Test
    void podCertificatesRefuseAWorkloadKeyTypeKubeletCannotGenerate() {
        assertThatThrownBy(() -> chart.render(Map.of(
                        "identity.source", "podCertificates",
                        "mesh.workloadKeyType", "rsa-2048")))
                .hasMessageContaining(
                        "mesh.workloadKeyType=rsa-2048 cannot be used with identity.source=podCertificates");
        assertThat(InjectorWorkloadTest.injectorContainer(chart.render(Map.of("mesh.workloadKeyType", "rsa-2048")))
                        .getArgs())
                .as("Secrets may hold RSA 2048 keys")
                .contains("--workload-key-type=rsa-2048");
        assertThat(InjectorWorkloadTest.injectorContainer(chart.render(Map.of(
                                "identity.source", "podCertificates",
                                "mesh.workloadKeyType", "ed25519")))
                        .getArgs())
                .contains("--workload-key-type=ed25519");
        assertThatThrownBy(() -> chart.render(Map.of("mesh.workloadKeyType", "dsa-1024")))
                .hasMessageContaining("workloadKeyType");
    }

    private static void assertClean(LintResult result) {
        assertThat(result.isFailed())
                .as("lint failed: %s", result.getMessages())
                .isFalse();
        assertThat(result.getMessages())
                .as("strict lint reported")
                .noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }
}
