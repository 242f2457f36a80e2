package io.meshless.injector.webhook;

import java.util.Map;

/**
 * Labels of a namespace, for the namespace-level opt-in. An AdmissionReview does not carry them,
 * so they come from the API server (serve) or are unknown (--webhook-only: pod-level opt-in only).
 */
@FunctionalInterface
public interface NamespaceLabels {
    NamespaceLabels UNKNOWN = namespace -> Map.of();

    /** The labels, or an empty map when the namespace is unknown. Never null. */
    Map<String, String> labelsOf(String namespace);
}
