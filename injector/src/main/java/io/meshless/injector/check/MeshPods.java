package io.meshless.injector.check;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.meshless.injector.webhook.Annotations;
import io.meshless.injector.webhook.PodInjector;
import io.meshless.injector.webhook.PodLayout;
import java.util.Map;
import java.util.Optional;

/** How the webhook marks the pods it injected, read back. */
final class MeshPods {

    private MeshPods() {}

    static String key(HasMetadata object) {
        return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
    }

    /**
     * The Secret holding the pod's workload certificate: the one its {@code meshless-certs} volume
     * mounts, else the one of its service account; empty when the volume is not a Secret (a
     * Pod Certificates projected volume needs none).
     */
    static Optional<String> certificateSecret(Pod pod) {
        if (pod.getSpec() != null && pod.getSpec().getVolumes() != null) {
            for (Volume volume : pod.getSpec().getVolumes()) {
                if (PodInjector.CERTS_VOLUME.equals(volume.getName())) {
                    return volume.getSecret() == null
                            ? Optional.empty()
                            : Optional.ofNullable(volume.getSecret().getSecretName());
                }
            }
        }
        String sa = pod.getSpec() == null ? null : pod.getSpec().getServiceAccountName();
        return Optional.of(PodLayout.secretName(sa));
    }

    static boolean injected(Pod pod) {
        return Annotations.STATUS_INJECTED.equals(annotations(pod).get(Annotations.STATUS));
    }

    /** Label or annotation {@code meshless.io/inject: "false"}. */
    static boolean optedOut(Pod pod) {
        return "false".equals(labels(pod).get(Annotations.INJECT))
                || "false".equals(annotations(pod).get(Annotations.INJECT));
    }

    /** Succeeded or Failed: its containers will not run again, so what it lacks no longer matters. */
    static boolean finished(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    static Map<String, String> labels(HasMetadata object) {
        Map<String, String> labels = object.getMetadata().getLabels();
        return labels == null ? Map.of() : labels;
    }

    static Map<String, String> annotations(HasMetadata object) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        return annotations == null ? Map.of() : annotations;
    }
}
