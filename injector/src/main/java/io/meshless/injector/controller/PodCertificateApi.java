package io.meshless.injector.controller;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which version of {@code certificates.k8s.io} serves PodCertificateRequests in a cluster, found by
 * API discovery: {@code v1} where the cluster serves it, else {@code v1beta1} (Kubernetes 1.35), else
 * none. Both versions carry the same fields, so the signer reads and writes either the same way.
 */
public final class PodCertificateApi {
    public static final String GROUP = "certificates.k8s.io";
    public static final String RESOURCE = "podcertificaterequests";
    /** Newest first: the first one the cluster serves is used. */
    static final List<String> VERSIONS = List.of("v1", "v1beta1");
    /** What a cluster needs to serve the API; for log lines and {@code check}'s fix. */
    public static final String REQUIREMENT = "Kubernetes 1.35 or later with the feature gate PodCertificateRequest=true"
            + " on kube-apiserver and kubelet and --runtime-config=" + GROUP + "/v1beta1=true on kube-apiserver";

    /** A cluster without the API (Kubernetes before 1.35, or the feature gate off). */
    public static final PodCertificateApi NOT_SERVED = new PodCertificateApi(null);

    private final ResourceDefinitionContext served;

    private PodCertificateApi(ResourceDefinitionContext served) {
        this.served = served;
    }

    /**
     * Asks the API server's discovery endpoints, newest version first.
     *
     * @throws KubernetesClientException when discovery itself fails (not when a version is absent)
     */
    public static PodCertificateApi discover(KubernetesClient client) {
        for (String version : VERSIONS) {
            String groupVersion = GROUP + "/" + version;
            APIResourceList resources = client.getApiResources(groupVersion);
            if (resources == null || resources.getResources() == null) {
                continue; // 404: this version of the group is not served
            }
            for (APIResource resource : resources.getResources()) {
                if (RESOURCE.equals(resource.getName())) {
                    return new PodCertificateApi(ResourceDefinitionContext.fromApiResource(groupVersion, resource));
                }
            }
        }
        return NOT_SERVED;
    }

    public boolean served() {
        return served != null;
    }

    /** "certificates.k8s.io/v1" or "certificates.k8s.io/v1beta1"; empty when not served. */
    public Optional<String> apiVersion() {
        return served == null ? Optional.empty() : Optional.of(GROUP + "/" + served.getVersion());
    }

    /** For Fabric8's generic resource client; only when {@link #served()}. */
    ResourceDefinitionContext context() {
        return Objects.requireNonNull(served, "PodCertificateRequests are not served");
    }

    @Override
    public String toString() {
        return apiVersion().orElse("not served");
    }
}
