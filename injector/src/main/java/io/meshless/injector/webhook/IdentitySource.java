package io.meshless.injector.webhook;

import java.util.Locale;

/**
 * Where an injected pod's certificate comes from (chart value {@code identity.source}, serve flag
 * {@code --identity-source}).
 */
public enum IdentitySource {
    /**
     * One {@code kubernetes.io/tls} Secret per service account, issued and renewed by the controller:
     * every replica shares the key, and whoever may read Secrets in the namespace holds it.
     */
    SECRET("secret"),
    /**
     * Kubernetes Pod Certificates (KEP-4317, Kubernetes 1.35+ with the feature gate): kubelet makes a
     * key per pod on the node, the controller signs it as {@code meshless.io/workload}; no Secret.
     */
    POD_CERTIFICATES("podCertificates");

    private final String value;

    IdentitySource(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public static IdentitySource parse(String text) {
        for (IdentitySource s : values()) {
            if (s.value.equals(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("identity source must be \"secret\" or \"podCertificates\", not \""
                + (text == null ? "" : text.toLowerCase(Locale.ROOT)) + "\"");
    }
}
