package io.meshless.injector;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.UUID;

/** What tests create through a mock API server's admin client, as a person with kubectl would. */
public final class ApiObjects {
    private ApiObjects() {}

    public static void namespace(KubernetesClient admin, String name, Map<String, String> labels) {
        admin.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withLabels(labels)
                        .endMetadata()
                        .build())
                .create();
    }

    /** A ServiceAccount with a UID of its own, as the API server gives it (owner references name it). */
    public static void serviceAccount(
            KubernetesClient admin, String namespace, String name, Map<String, String> annotations) {
        admin.serviceAccounts()
                .inNamespace(namespace)
                .resource(new ServiceAccountBuilder()
                        .withNewMetadata()
                        .withNamespace(namespace)
                        .withName(name)
                        .withUid(UUID.randomUUID().toString())
                        .withAnnotations(annotations)
                        .endMetadata()
                        .build())
                .create();
    }
}
