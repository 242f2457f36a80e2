package io.meshless.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NotesTest {

    private final Chart chart = Chart.underTest();

    @Test
    void defaultInstallGivesNextStepsAndNoWarnings() {
        String notes = chart.notes(Map.of());
        assertThat(notes)
                .contains("kubectl -n meshless-system rollout status deployment/meshless-injector")
                .contains("kubectl label namespace <ns> meshless.io/inject=enabled")
                .contains("meshless-agent.jar inspect /var/run/meshless/certs")
                .contains("Webhook certificate: self-managed")
                .doesNotContain("WARNING")
                .doesNotContain("metadata.annotations: {meshless.io/inject");
    }

    @Test
    void warnsThatIgnoreLetsOptedInPodsStartWithoutMtls() {
        assertThat(chart.notes(Map.of("webhook.failurePolicy", "Ignore")))
                .contains("WARNING: webhook.failurePolicy=Ignore")
                .contains("WITHOUT a certificate");
    }

    @Test
    void warnsAboutASingleReplica() {
        assertThat(chart.notes(Map.of("replicaCount", 1))).contains("WARNING: replicaCount=1");
    }

    @Test
    void warnsWhenCertManagerOrPrometheusOperatorApisAreMissing() {
        String notes = chart.notes(Map.of("webhook.certificate.mode", "cert-manager", "serviceMonitor.enabled", true));
        assertThat(notes)
                .contains(
                        "WARNING: webhook.certificate.mode=cert-manager, but the API cert-manager.io/v1 was not found")
                .contains("WARNING: serviceMonitor.enabled=true, but the API monitoring.coreos.com/v1 was not found");
    }

    @Test
    void explainsTheAnnotationOptInWhenEnabled() {
        assertThat(chart.notes(Map.of("webhook.annotationOptIn.enabled", true)))
                .contains("metadata.annotations: {meshless.io/inject: \"true\"}")
                .contains("NOTE: annotation-only opt-in is enabled");
    }
}
