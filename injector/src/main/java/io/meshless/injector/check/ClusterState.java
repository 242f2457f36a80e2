package io.meshless.injector.check;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.meshless.injector.controller.PodCertificateApi;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What {@code check} read from the cluster, once, before any judgement: the checks are pure
 * functions of this snapshot and an instant. Absent objects are null.
 *
 * @param workloadSecrets the Secrets labelled as meshless workload certificates, every namespace
 * @param injectedPods pods labelled {@code meshless.io/injected=true}, every namespace
 * @param presentSecrets "namespace/name" of every Secret an injected pod mounts that exists
 * @param optedInNamespaces namespaces labelled {@code meshless.io/inject=enabled}
 * @param optInCandidates pods of those namespaces, and pods labelled {@code meshless.io/inject=true}
 * @param podCertificateApi which version of {@code certificates.k8s.io} serves PodCertificateRequests
 * @param trustBundles the namespaces and the trust bundle ConfigMaps found in them
 */
public record ClusterState(
        InjectorNames names,
        Deployment deployment,
        MutatingWebhookConfiguration webhookConfiguration,
        Secret caSecret,
        Secret servingSecret,
        List<Secret> workloadSecrets,
        List<Pod> injectedPods,
        Set<String> presentSecrets,
        Set<String> optedInNamespaces,
        List<Pod> optInCandidates,
        PodCertificateApi podCertificateApi,
        TrustBundles trustBundles) {

    public ClusterState {
        Objects.requireNonNull(names, "names");
        workloadSecrets = List.copyOf(workloadSecrets);
        injectedPods = List.copyOf(injectedPods);
        presentSecrets = Set.copyOf(presentSecrets);
        optedInNamespaces = Set.copyOf(optedInNamespaces);
        optInCandidates = List.copyOf(optInCandidates);
        Objects.requireNonNull(podCertificateApi, "podCertificateApi");
        Objects.requireNonNull(trustBundles, "trustBundles");
    }
}
