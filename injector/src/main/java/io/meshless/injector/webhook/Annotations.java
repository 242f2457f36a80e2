package io.meshless.injector.webhook;

import io.meshless.injector.controller.MeshlessMetadata;
import java.util.List;

/** The {@code meshless.io/*} annotation and label keys the injector reads and writes. */
public final class Annotations {
    public static final String PREFIX = "meshless.io/";
    /** Pod annotation or label "true"/"false"; namespace label "enabled"/"disabled". */
    public static final String INJECT = PREFIX + "inject";
    // What the webhook writes is what the controller selects on: one definition for both halves.
    public static final String STATUS = MeshlessMetadata.POD_STATUS;
    public static final String STATUS_INJECTED = MeshlessMetadata.POD_STATUS_INJECTED;
    /** Pod label set next to {@link #STATUS}; the controller watches only pods carrying it. */
    public static final String INJECTED_LABEL = MeshlessMetadata.POD_INJECTED_LABEL;

    public static final String INJECTED_LABEL_VALUE = MeshlessMetadata.POD_INJECTED_LABEL_VALUE;
    public static final String CONTAINERS = PREFIX + "containers";
    /** "false": a non-JVM pod that gets the certificate volume only (no agent, no JAVA_TOOL_OPTIONS). */
    public static final String AGENT = PREFIX + "agent";

    public static final String CERT_DIR = PREFIX + "cert-dir";
    public static final String MODE = PREFIX + "mode";
    public static final String ALLOWED_PEERS = PREFIX + "allowed-peers";
    public static final String TRUST_SYSTEM_CAS = PREFIX + "trust-system-cas";

    /** Agent keys that may be given per pod, in the order their env variables are added. */
    public static final List<String> AGENT_KEYS = List.of("cert-dir", "mode", "allowed-peers", "trust-system-cas");

    static final List<String> KNOWN =
            List.of(INJECT, STATUS, CONTAINERS, AGENT, CERT_DIR, MODE, ALLOWED_PEERS, TRUST_SYSTEM_CAS);

    private Annotations() {}

    /** The agent's environment variable for a key: {@code MESHLESS_<KEY>}, '-' becomes '_'. */
    public static String envName(String agentKey) {
        return "MESHLESS_" + agentKey.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    }
}
