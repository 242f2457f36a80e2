package io.meshless.injector.controller;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;

/**
 * What one PodCertificateRequest claims, whichever version of {@code certificates.k8s.io} served it
 * ({@code v1} and {@code v1beta1} carry the same fields): the pod, its service account and node as
 * kubelet named them, and kubelet's public key. {@link PodCertificateSigning} verifies the claim
 * against what the API server holds now. Absent fields are null.
 *
 * @param answered the request already has a certificate or a condition, which the API makes final
 */
record PodCertificateClaim(
        String namespace,
        String name,
        Long generation,
        String signerName,
        String podName,
        String podUid,
        String serviceAccountName,
        String serviceAccountUid,
        String nodeName,
        String nodeUid,
        Integer maxExpirationSeconds,
        String pkixPublicKey,
        boolean answered) {

    /** Reads the fields of the request's spec and whether its status already answers it. */
    static PodCertificateClaim of(GenericKubernetesResource request) {
        Map<String, Object> spec = map(request.getAdditionalProperties().get("spec"));
        Map<String, Object> status = map(request.getAdditionalProperties().get("status"));
        boolean hasChain = status.get("certificateChain") instanceof String chain && !chain.isEmpty();
        boolean hasCondition = status.get("conditions") instanceof List<?> conditions && !conditions.isEmpty();
        return new PodCertificateClaim(
                request.getMetadata().getNamespace(),
                request.getMetadata().getName(),
                request.getMetadata().getGeneration(),
                text(spec, "signerName"),
                text(spec, "podName"),
                text(spec, "podUID"),
                text(spec, "serviceAccountName"),
                text(spec, "serviceAccountUID"),
                text(spec, "nodeName"),
                text(spec, "nodeUID"),
                spec.get("maxExpirationSeconds") instanceof Number n ? n.intValue() : null,
                text(spec, "pkixPublicKey"),
                hasChain || hasCondition);
    }

    boolean ours() {
        return MeshlessMetadata.POD_CERTIFICATE_SIGNER.equals(signerName);
    }

    /** namespace/name, for log lines. */
    String key() {
        return namespace + "/" + name;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static String text(Map<String, Object> fields, String name) {
        return fields.get(name) instanceof String s ? s : null;
    }
}
