package io.meshless.injector.controller;

import static io.meshless.injector.controller.ControllerHarness.APP_NS;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.certificates.v1beta1.PodCertificateRequest;
import io.fabric8.kubernetes.api.model.certificates.v1beta1.PodCertificateRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.security.KeyPair;
import java.util.Base64;

/**
 * Writes PodCertificateRequests as kubelet of {@link ControllerHarness#NODE} would: the UIDs of the
 * pod, its service account and the node read back from the API where they exist, and the public
 * key of a key pair held here.
 */
final class Kubelet {

    private final KubernetesClient admin;
    private final KeyPair key;

    Kubelet(KubernetesClient admin, KeyPair key) {
        this.admin = admin;
        this.key = key;
    }

    PodCertificateRequest request(
            String name, String signer, String pod, String serviceAccount, int maxExpirationSeconds) {
        Pod existing = admin.pods().inNamespace(APP_NS).withName(pod).get();
        ServiceAccount account = admin.serviceAccounts()
                .inNamespace(APP_NS)
                .withName(serviceAccount)
                .get();
        Node node = admin.nodes().withName(ControllerHarness.NODE).get();
        return new PodCertificateRequestBuilder()
                .withNewMetadata()
                .withNamespace(APP_NS)
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withSignerName(signer)
                .withPodName(pod)
                .withPodUID(existing == null ? "11111111-1111-1111-1111-111111111111" : uid(existing))
                .withServiceAccountName(serviceAccount)
                .withServiceAccountUID(account == null ? "22222222-2222-2222-2222-222222222222" : uid(account))
                .withNodeName(ControllerHarness.NODE)
                .withNodeUID(node == null ? "33333333-3333-3333-3333-333333333333" : uid(node))
                .withMaxExpirationSeconds(maxExpirationSeconds)
                .withPkixPublicKey(
                        Base64.getEncoder().encodeToString(key.getPublic().getEncoded()))
                .withProofOfPossession(Base64.getEncoder().encodeToString(new byte[] {1}))
                .endSpec()
                .build();
    }

    /** The same request in another version of certificates.k8s.io (v1 has the same fields). */
    GenericKubernetesResource inVersion(PodCertificateRequest request, String version) {
        GenericKubernetesResource generic =
                admin.getKubernetesSerialization().convertValue(request, GenericKubernetesResource.class);
        generic.setApiVersion("certificates.k8s.io/" + version);
        return generic;
    }

    /** The generic client of PodCertificateRequests in {@code version}, without discovery. */
    static ResourceDefinitionContext version(String version) {
        return new ResourceDefinitionContext.Builder()
                .withGroup("certificates.k8s.io")
                .withVersion(version)
                .withKind("PodCertificateRequest")
                .withPlural("podcertificaterequests")
                .withNamespaced(true)
                .build();
    }

    private static String uid(io.fabric8.kubernetes.api.model.HasMetadata object) {
        return object.getMetadata().getUid();
    }
}
