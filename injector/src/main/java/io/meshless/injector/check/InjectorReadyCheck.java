package io.meshless.injector.check;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Instant;

/** The injector Deployment exists and its replicas are ready (the webhook answers, a controller can lead). */
final class InjectorReadyCheck extends MeshCheck {

    InjectorReadyCheck() {
        super("injector-ready", "injector Deployment is ready");
    }

    @Override
    CheckResult evaluate(ClusterState cluster, Instant now) {
        InjectorNames names = cluster.names();
        String where = names.namespace() + "/" + names.deploymentName();
        Deployment deployment = cluster.deployment();
        if (deployment == null) {
            return fail(
                    "Deployment " + where + " not found",
                    "install the chart (helm install meshless helm/meshless -n " + names.namespace()
                            + "), or name your installation with --namespace and --release");
        }
        int desired = deployment.getSpec() == null || deployment.getSpec().getReplicas() == null
                ? 1
                : deployment.getSpec().getReplicas();
        int ready = deployment.getStatus() == null || deployment.getStatus().getReadyReplicas() == null
                ? 0
                : deployment.getStatus().getReadyReplicas();
        String counted = ready + "/" + desired + " replicas ready";
        String fix = "see why with kubectl -n " + names.namespace() + " describe deployment " + names.deploymentName()
                + " and kubectl -n " + names.namespace() + " logs deployment/" + names.deploymentName();
        if (ready == 0) {
            return fail(where + ": " + counted + "; pods that opted in cannot be created", fix);
        }
        if (ready < desired) {
            return warn(where + ": " + counted, fix);
        }
        return pass(where + ": " + counted);
    }
}
