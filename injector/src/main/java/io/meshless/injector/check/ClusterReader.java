package io.meshless.injector.check;

import static io.meshless.injector.controller.MeshlessMetadata.COMPONENT_WORKLOAD;
import static io.meshless.injector.controller.MeshlessMetadata.LABEL_COMPONENT;
import static io.meshless.injector.controller.MeshlessMetadata.LABEL_MANAGED_BY;
import static io.meshless.injector.controller.MeshlessMetadata.MANAGED_BY;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.meshless.injector.controller.MeshlessMetadata;
import io.meshless.injector.controller.PodCertificateApi;
import io.meshless.injector.webhook.Annotations;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/** Reads the snapshot the checks judge: the only class of {@code check} that talks to the API. */
public final class ClusterReader {

    private final KubernetesClient client;

    public ClusterReader(KubernetesClient client) {
        this.client = client;
    }

    public ClusterState read(InjectorNames chartNames) throws ClusterReadException {
        String ns = chartNames.namespace();
        Deployment deployment = get("Deployment " + ns + "/" + chartNames.deploymentName(), () -> client.apps()
                .deployments()
                .inNamespace(ns)
                .withName(chartNames.deploymentName())
                .get());
        InjectorNames names = chartNames.followingDeployment(deployment);
        MutatingWebhookConfiguration webhook = get(
                "MutatingWebhookConfiguration " + names.webhookConfigurationName(), () -> client.admissionRegistration()
                        .v1()
                        .mutatingWebhookConfigurations()
                        .withName(names.webhookConfigurationName())
                        .get());
        Secret ca = secret(ns, names.caSecretName());
        Secret serving = names.selfManagedServingCertificate() ? null : secret(ns, names.servingSecretName());
        List<Secret> workloadSecrets = get(
                "the workload Secrets (label " + LABEL_COMPONENT + "=" + COMPONENT_WORKLOAD + ") of every namespace",
                () -> client.secrets()
                        .inAnyNamespace()
                        .withLabel(LABEL_MANAGED_BY, MANAGED_BY)
                        .withLabel(LABEL_COMPONENT, COMPONENT_WORKLOAD)
                        .list()
                        .getItems());
        List<Pod> injected = get(
                "the pods labelled " + Annotations.INJECTED_LABEL + "=" + Annotations.INJECTED_LABEL_VALUE,
                () -> client.pods()
                        .inAnyNamespace()
                        .withLabel(Annotations.INJECTED_LABEL, Annotations.INJECTED_LABEL_VALUE)
                        .list()
                        .getItems());
        Set<String> present = new LinkedHashSet<>();
        workloadSecrets.forEach(s -> present.add(MeshPods.key(s)));
        for (Pod pod : injected) {
            Optional<String> name = MeshPods.certificateSecret(pod);
            String podNs = pod.getMetadata().getNamespace();
            if (name.isPresent() && !present.contains(podNs + "/" + name.get()) && secret(podNs, name.get()) != null) {
                present.add(podNs + "/" + name.get());
            }
        }
        Set<String> optedIn = new LinkedHashSet<>();
        for (Namespace n : get("the namespaces labelled " + Annotations.INJECT + "=enabled", () -> client.namespaces()
                .withLabel(Annotations.INJECT, "enabled")
                .list()
                .getItems())) {
            optedIn.add(n.getMetadata().getName());
        }
        Map<String, Pod> candidates = new LinkedHashMap<>();
        for (String namespace : optedIn) {
            get(
                            "the pods of namespace " + namespace,
                            () -> client.pods().inNamespace(namespace).list().getItems())
                    .forEach(p -> candidates.put(MeshPods.key(p), p));
        }
        get("the pods labelled " + Annotations.INJECT + "=true", () -> client.pods()
                        .inAnyNamespace()
                        .withLabel(Annotations.INJECT, "true")
                        .list()
                        .getItems())
                .forEach(p -> candidates.put(MeshPods.key(p), p));
        PodCertificateApi podCertificateApi =
                get("the API discovery of " + PodCertificateApi.GROUP, () -> PodCertificateApi.discover(client));
        return new ClusterState(
                names,
                deployment,
                webhook,
                ca,
                serving,
                workloadSecrets,
                injected,
                present,
                optedIn,
                List.copyOf(candidates.values()),
                podCertificateApi,
                trustBundles());
    }

    private TrustBundles trustBundles() throws ClusterReadException {
        String name = MeshlessMetadata.TRUST_BUNDLE_CONFIG_MAP;
        Set<String> namespaces = new TreeSet<>();
        for (Namespace n :
                get("the namespaces", () -> client.namespaces().list().getItems())) {
            if (n.getStatus() == null || !"Terminating".equals(n.getStatus().getPhase())) {
                namespaces.add(n.getMetadata().getName());
            }
        }
        Map<String, ConfigMap> configMaps = new TreeMap<>();
        for (ConfigMap c : get("the ConfigMaps " + name + " of every namespace", () -> client.configMaps()
                .inAnyNamespace()
                .withField("metadata.name", name)
                .list()
                .getItems())) {
            configMaps.put(c.getMetadata().getNamespace(), c);
        }
        return new TrustBundles(namespaces, configMaps);
    }

    private Secret secret(String namespace, String name) throws ClusterReadException {
        return get(
                "Secret " + namespace + "/" + name,
                () -> client.secrets().inNamespace(namespace).withName(name).get());
    }

    private static <T> T get(String what, Supplier<T> read) throws ClusterReadException {
        try {
            return read.get();
        } catch (KubernetesClientException e) {
            throw new ClusterReadException(what, e);
        }
    }
}
