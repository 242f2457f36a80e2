package io.meshless.injector.controller;

/**
 * The reasons of the Warning Events the controller records (CamelCase, like Kubernetes' own), so
 * alerts and {@code kubectl get events --field-selector reason=...} can rely on them.
 */
public final class EventReasons {

    /** A workload Secret could not be written (API error); on the ServiceAccount. */
    public static final String WORKLOAD_CERTIFICATE_FAILED = "WorkloadCertificateFailed";
    /** A Secret of the workload Secret's name exists and is not ours; on the ServiceAccount. */
    public static final String WORKLOAD_SECRET_NOT_MANAGED = "WorkloadSecretNotManaged";
    /** Issuing a workload certificate failed (the CA could not sign); on the ServiceAccount. */
    public static final String CERTIFICATE_ISSUE_FAILED = "CertificateIssueFailed";
    /** The trust bundle ConfigMap could not be written; on that ConfigMap. */
    public static final String TRUST_BUNDLE_FAILED = "TrustBundleFailed";
    /** A ConfigMap of the trust bundle's name exists and is not ours; on that ConfigMap. */
    public static final String TRUST_BUNDLE_NOT_MANAGED = "TrustBundleNotManaged";
    /** The mesh CA Secret is unreadable, expired, or its key and certificates do not match; on that Secret. */
    public static final String MESH_CA_REFUSED = "MeshCaRefused";
    /** The mesh CA Secret could not be created or rotated; on the CA Secret, or the injector pod if absent. */
    public static final String MESH_CA_FAILED = "MeshCaFailed";
    /** The signer denied a PodCertificateRequest (pod not opted in, wrong identity); on the pod. */
    public static final String POD_CERTIFICATE_DENIED = "PodCertificateDenied";
    /** A PodCertificateRequest failed or could not be answered; on the pod. */
    public static final String POD_CERTIFICATE_FAILED = "PodCertificateFailed";

    private EventReasons() {}
}
