package io.meshless.injector.check;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Every running pod the webhook injected finds the Secret its certificate volume mounts. */
final class InjectedPodSecretsCheck extends MeshCheck {

    InjectedPodSecretsCheck() {
        super("injected-pod-secrets", "injected pods have their certificate Secret");
    }

    @Override
    CheckResult evaluate(ClusterState cluster, Instant now) {
        List<String> missing = new ArrayList<>();
        int counted = 0;
        for (Pod pod : cluster.injectedPods()) {
            if (MeshPods.finished(pod)) {
                continue;
            }
            counted++;
            Optional<String> secret = MeshPods.certificateSecret(pod);
            String namespace = pod.getMetadata().getNamespace();
            if (secret.isPresent() && !cluster.presentSecrets().contains(namespace + "/" + secret.get())) {
                missing.add(MeshPods.key(pod) + " (Secret " + secret.get() + ")");
            }
        }
        if (!missing.isEmpty()) {
            return fail(
                    missing.size() + " of " + counted + " injected pods lack their Secret: " + Listing.some(missing),
                    "the leading controller creates it once the pod's ServiceAccount exists;"
                            + " until then the pod stays in ContainerCreating; "
                            + Remedies.controllerLeader(cluster.names()));
        }
        return pass(
                counted == 0 ? "no injected pods" : Listing.count(counted, "injected pod") + ", every Secret present");
    }
}
