package io.meshless.injector.controller;

/** Labels, annotations and data keys the controller reads and writes. */
public final class MeshlessMetadata {

    public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY = "meshless";
    public static final String LABEL_COMPONENT = "app.kubernetes.io/component";
    public static final String COMPONENT_WORKLOAD = "workload-certificate";
    public static final String COMPONENT_CA = "mesh-ca";
    public static final String COMPONENT_TRUST_BUNDLE = "trust-bundle";
    /**
     * The ConfigMap (key {@link #CA_CRT}) holding the mesh trust bundle in every namespace that opted
     * in: what non-JVM pods mount, and what the webhook's Pod Certificate projection reads.
     */
    public static final String TRUST_BUNDLE_CONFIG_MAP = "meshless-ca-bundle";
    /** Namespace label {@code meshless.io/inject=enabled}: every pod of the namespace opts in. */
    public static final String NAMESPACE_INJECT_LABEL = "meshless.io/inject";

    public static final String NAMESPACE_INJECT_ENABLED = "enabled";
    /** Label on workload Secrets naming their service account, so a Secret maps back to its identity. */
    public static final String LABEL_SERVICE_ACCOUNT = "meshless.io/service-account";

    /** Pod annotation the webhook sets on injected pods (the design's marker; re-injection checks it). */
    public static final String POD_STATUS = "meshless.io/status";

    public static final String POD_STATUS_INJECTED = "injected";
    /**
     * Pod label the webhook sets next to {@link #POD_STATUS}: labels can be selected by the API
     * server, annotations cannot, so the controller lists and watches only the pods carrying it.
     */
    public static final String POD_INJECTED_LABEL = "meshless.io/injected";

    public static final String POD_INJECTED_LABEL_VALUE = "true";

    // Workload Secret annotations: what was issued, so renewal decisions need no parsing.
    /** ServiceAccount annotation "true": its workload Secret is kept without injected pods (an ingress). */
    public static final String SERVICE_ACCOUNT_CERTIFICATE = "meshless.io/certificate";

    public static final String SPIFFE_ID = "meshless.io/spiffe-id";
    public static final String SERIAL = "meshless.io/serial";
    public static final String NOT_AFTER = "meshless.io/not-after";
    public static final String RENEW_AFTER = "meshless.io/renew-after";
    public static final String ISSUER_SHA256 = "meshless.io/issuer-sha256";
    public static final String BUNDLE_SHA256 = "meshless.io/bundle-sha256";
    public static final String CONTENT_SHA256 = "meshless.io/content-sha256";

    // CA Secret annotations: the rotation state, so a restarted controller resumes where it was.
    public static final String CA_ORIGIN = "meshless.io/ca-origin";
    public static final String CA_ORIGIN_GENERATED = "generated";
    public static final String CA_PHASE = "meshless.io/ca-rotation-phase";
    public static final String CA_PHASE_SINCE = "meshless.io/ca-rotation-since";
    public static final String CA_RETIRE_AFTER = "meshless.io/ca-retire-after";
    /** Set to "true" on a generated CA Secret to start a rotation now. */
    public static final String CA_ROTATE = "meshless.io/rotate-ca";

    // Data keys.
    /**
     * The signer name of Meshless's Kubernetes Pod Certificates (KEP-4317): a {@code podCertificate}
     * projection naming it gets a workload certificate from the mesh CA, issued by the controller's
     * leader for pods that came through the webhook.
     */
    public static final String POD_CERTIFICATE_SIGNER = "meshless.io/workload";

    public static final String TLS_CRT = "tls.crt";
    public static final String TLS_KEY = "tls.key";
    public static final String CA_CRT = "ca.crt";
    /** The CA that will sign after the rotation; already published in ca.crt. */
    public static final String NEXT_CRT = "next.crt";

    public static final String NEXT_KEY = "next.key";
    /** The CA that signed before the rotation; stays in ca.crt until its last leaf expired. */
    public static final String PREVIOUS_CRT = "previous.crt";

    private MeshlessMetadata() {}
}
