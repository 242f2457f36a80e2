package io.meshless.injector.controller;

import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import java.util.Set;

/** API discovery of {@code certificates.k8s.io} on a mock server whose dispatcher answers expectations first. */
public final class PodCertificateDiscovery {

    private PodCertificateDiscovery() {}

    /**
     * Answers as a cluster that serves PodCertificateRequests in the given versions ("v1",
     * "v1beta1", or none): {@code v1} exists everywhere for CertificateSigningRequests,
     * {@code v1beta1} only where some beta API of the group is enabled.
     */
    public static void serve(KubernetesMockServer server, String... versions) {
        Set<String> served = Set.of(versions);
        for (String version : List.of("v1", "v1beta1")) {
            String groupVersion = "certificates.k8s.io/" + version;
            String path = "/apis/" + groupVersion;
            if (version.equals("v1beta1") && !served.contains(version)) {
                server.expect().get().withPath(path).andReturn(404, "").always();
                continue;
            }
            APIResourceListBuilder resources = new APIResourceListBuilder().withGroupVersion(groupVersion);
            if (version.equals("v1")) {
                resources
                        .addNewResource()
                        .withName("certificatesigningrequests")
                        .withKind("CertificateSigningRequest")
                        .withNamespaced(false)
                        .endResource();
            }
            if (served.contains(version)) {
                resources
                        .addNewResource()
                        .withName("podcertificaterequests")
                        .withKind("PodCertificateRequest")
                        .withNamespaced(true)
                        .endResource()
                        .addNewResource()
                        .withName("podcertificaterequests/status")
                        .withKind("PodCertificateRequest")
                        .withNamespaced(true)
                        .endResource();
            }
            server.expect()
                    .get()
                    .withPath(path)
                    .andReturn(200, resources.build())
                    .always();
        }
    }
}
