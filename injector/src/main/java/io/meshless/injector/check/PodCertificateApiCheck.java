package io.meshless.injector.check;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.meshless.injector.controller.MeshlessMetadata;
import io.meshless.injector.controller.PodCertificateApi;
import io.meshless.injector.webhook.IdentitySource;
import java.time.Instant;

/**
 * With {@code identity.source=podCertificates} the cluster serves PodCertificateRequests
 * ({@code certificates.k8s.io} v1 or v1beta1): without the API kubelet never asks for a certificate
 * and opted-in pods wait in ContainerCreating. With Secrets it only says whether the API is there.
 */
final class PodCertificateApiCheck extends MeshCheck {

    PodCertificateApiCheck() {
        super("pod-certificate-api", "PodCertificateRequest API is served where identity.source=podCertificates");
    }

    @Override
    CheckResult evaluate(ClusterState cluster, Instant now) {
        PodCertificateApi api = cluster.podCertificateApi();
        String served = api.apiVersion()
                .map(v -> v + " serves PodCertificateRequests")
                .orElse("this cluster serves no PodCertificateRequests (" + PodCertificateApi.GROUP
                        + " v1 or v1beta1)");
        IdentitySource source = identitySource(cluster.deployment());
        if (source != IdentitySource.POD_CERTIFICATES) {
            return pass("not needed (identity.source=" + source.value() + "); " + served);
        }
        if (api.served()) {
            return pass(served + "; the injector signs them as " + MeshlessMetadata.POD_CERTIFICATE_SIGNER);
        }
        return fail(
                "identity.source=podCertificates, but " + served
                        + ": kubelet asks no one for a certificate and opted-in pods wait in ContainerCreating",
                "Pod Certificates need " + PodCertificateApi.REQUIREMENT
                        + "; or go back to Secrets with helm upgrade --set identity.source=secret");
    }

    /** What the Deployment's {@code serve --identity-source} says; Secrets when it says nothing. */
    private static IdentitySource identitySource(Deployment deployment) {
        String value = InjectorNames.flag(InjectorNames.injectorArgs(deployment), "--identity-source")
                .orElse(IdentitySource.SECRET.value());
        try {
            return IdentitySource.parse(value);
        } catch (IllegalArgumentException unknown) {
            return IdentitySource.SECRET; // serve refuses to start with it; injector-ready reports that
        }
    }
}
