package io.meshless.helm;

import java.util.List;
import java.util.Map;

/** Value sets every structural assertion is repeated over. */
final class ChartRenderTestValues {

    static final Map<String, Object> DEFAULTS = Map.of();

    static final Map<String, Object> CERT_MANAGER = Map.of("webhook.certificate.mode", "cert-manager");

    static final Map<String, Object> USER_SECRET = Map.of(
            "webhook.certificate.mode", "secret",
            "webhook.certificate.secret.name", "my-webhook-tls",
            "webhook.certificate.secret.caBundle", "TUVTSExFU1MtVEVTVC1DQQ==");

    static final Map<String, Object> EVERYTHING_ON = Map.of(
            "webhook.certificate.mode", "cert-manager",
            "webhook.annotationOptIn.enabled", true,
            "networkPolicy.enabled", true,
            "serviceMonitor.enabled", true);

    static final List<Map<String, Object>> ALL = List.of(DEFAULTS, CERT_MANAGER, USER_SECRET, EVERYTHING_ON);

    private ChartRenderTestValues() {}
}
