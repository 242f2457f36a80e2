package io.meshless.injector.check;

import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.meshless.injector.webhook.Annotations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Pods that opted in (namespace label {@code meshless.io/inject=enabled}, or pod label
 * {@code meshless.io/inject=true}) but run without the mesh: created before the opt-in, or while
 * the webhook was unreachable with {@code failurePolicy: Ignore}. Namespaces the webhook never
 * sees are left out.
 */
final class OptedInPodsInjectedCheck extends MeshCheck {

    static final List<String> ALWAYS_EXCLUDED = List.of("kube-system", "kube-public", "kube-node-lease");
    private static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

    OptedInPodsInjectedCheck() {
        super("opted-in-pods-injected", "pods that opted in are injected");
    }

    @Override
    CheckResult evaluate(ClusterState cluster, Instant now) {
        Set<String> excluded = excluded(cluster);
        List<String> outside = new ArrayList<>();
        Set<String> namespaces = new TreeSet<>();
        int counted = 0;
        for (Pod pod : cluster.optInCandidates()) {
            String namespace = pod.getMetadata().getNamespace();
            if (excluded.contains(namespace) || MeshPods.finished(pod) || MeshPods.optedOut(pod)) {
                continue;
            }
            boolean optedIn = cluster.optedInNamespaces().contains(namespace)
                    || "true".equals(MeshPods.labels(pod).get(Annotations.INJECT));
            if (!optedIn) {
                continue;
            }
            counted++;
            if (!MeshPods.injected(pod)) {
                outside.add(MeshPods.key(pod));
                namespaces.add(namespace);
            }
        }
        if (!outside.isEmpty()) {
            return fail(
                    outside.size() + " of " + counted + " pods that opted in run without the mesh (created before"
                            + " the opt-in, or while the webhook was unreachable): " + Listing.some(outside),
                    "re-create them so the webhook injects them, e.g. kubectl -n " + String.join("/", namespaces)
                            + " rollout restart deployment");
        }
        return pass(counted == 0 ? "no pods opted in" : Listing.count(counted, "pod") + " opted in, all injected");
    }

    /** The namespaces the webhook configuration never sends, as its namespaceSelector says. */
    private static Set<String> excluded(ClusterState cluster) {
        Set<String> excluded = new LinkedHashSet<>(ALWAYS_EXCLUDED);
        excluded.add(cluster.names().namespace());
        MutatingWebhookConfiguration config = cluster.webhookConfiguration();
        if (config == null || config.getWebhooks() == null) {
            return excluded;
        }
        for (MutatingWebhook webhook : config.getWebhooks()) {
            if (webhook.getNamespaceSelector() == null
                    || webhook.getNamespaceSelector().getMatchExpressions() == null) {
                continue;
            }
            for (LabelSelectorRequirement r : webhook.getNamespaceSelector().getMatchExpressions()) {
                if (NAMESPACE_NAME_LABEL.equals(r.getKey())
                        && "NotIn".equals(r.getOperator())
                        && r.getValues() != null) {
                    excluded.addAll(r.getValues());
                }
            }
        }
        return excluded;
    }
}
