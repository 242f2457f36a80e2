package io.meshless.injector.controller;

import static io.meshless.injector.controller.MeshlessMetadata.*;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.meshless.pki.Pem;
import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the mesh trust bundle (the PEM of every workload Secret's {@code ca.crt}, old and new
 * CA during a rotation) as ConfigMap {@value MeshlessMetadata#TRUST_BUNDLE_CONFIG_MAP}, key
 * {@code ca.crt}, in every namespace that opted in (labelled {@code meshless.io/inject=enabled}, or
 * running pods our webhook injected), or in every namespace when configured so; leader only. A
 * ConfigMap it once published stays current even after its namespace opted out, since pods may
 * still mount it. Edited or deleted ConfigMaps are repaired (the informer watches that name); a
 * ConfigMap of that name without our {@code app.kubernetes.io/managed-by} label is someone else's
 * and is never written.
 */
final class TrustBundleReconciler {

    private static final Logger log = LoggerFactory.getLogger(TrustBundleReconciler.class);

    private final KubernetesClient client;
    private final boolean allNamespaces;
    private final ControllerEvents events;
    private final Set<String> reportedForeign = ConcurrentHashMap.newKeySet();

    private volatile SharedIndexInformer<Namespace> namespaces;
    private volatile SharedIndexInformer<ConfigMap> configMaps;

    TrustBundleReconciler(KubernetesClient client, ControllerConfig config, Clock clock) {
        this.client = client;
        this.allNamespaces = config.trustBundleAllNamespaces();
        this.events = new ControllerEvents(client, clock);
    }

    /** Watches the namespaces that may need the bundle and every ConfigMap of its name; {@code trigger} asks for a pass. */
    void start(Runnable trigger, long resyncMillis) {
        ResourceEventHandler<Namespace> namespaceEvents = new ResourceEventHandler<>() {
            @Override
            public void onAdd(Namespace namespace) {
                trigger.run();
            }

            @Override
            public void onUpdate(Namespace before, Namespace after) {}

            @Override
            public void onDelete(Namespace namespace, boolean unknownFinalState) {}
        };
        ResourceEventHandler<ConfigMap> configMapEvents = new ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap configMap) {}

            @Override
            public void onUpdate(ConfigMap before, ConfigMap after) {
                trigger.run();
            }

            @Override
            public void onDelete(ConfigMap configMap, boolean unknownFinalState) {
                trigger.run();
            }
        };
        // Selected by the API server: only opted-in namespaces (unless all are wanted), and only
        // ConfigMaps of our name, which RBAC's resourceNames can then limit the injector to.
        try {
            namespaces = allNamespaces
                    ? client.namespaces().inform(namespaceEvents, resyncMillis)
                    : client.namespaces()
                            .withLabel(NAMESPACE_INJECT_LABEL, NAMESPACE_INJECT_ENABLED)
                            .inform(namespaceEvents, resyncMillis);
            configMaps = client.configMaps()
                    .inAnyNamespace()
                    .withField("metadata.name", TRUST_BUNDLE_CONFIG_MAP)
                    .inform(configMapEvents, resyncMillis);
        } catch (KubernetesClientException e) {
            // An injector image newer than its chart's RBAC: everything else still runs.
            log.error(
                    "the trust bundle ConfigMaps {} cannot be watched: {}; they are not published (the injector"
                            + " needs configmaps get/list/watch/create/update/patch, see the chart's ClusterRole)",
                    TRUST_BUNDLE_CONFIG_MAP,
                    e.getMessage());
            close();
            namespaces = null;
            configMaps = null;
        }
    }

    /**
     * @param injectedPods the cached pods that came through our webhook: their namespaces opted in
     * @param carryOn false once this replica stopped leading or is closing: stop writing
     */
    void reconcile(MeshCa current, Collection<Pod> injectedPods, BooleanSupplier carryOn) {
        SharedIndexInformer<Namespace> n = namespaces;
        SharedIndexInformer<ConfigMap> c = configMaps;
        if (n == null || c == null) {
            return;
        }
        Set<String> wanted = new TreeSet<>();
        for (Namespace namespace : n.getStore().list()) {
            if (namespace.getStatus() == null
                    || !"Terminating".equals(namespace.getStatus().getPhase())) {
                wanted.add(namespace.getMetadata().getName());
            }
        }
        for (Pod pod : injectedPods) {
            wanted.add(pod.getMetadata().getNamespace());
        }
        for (ConfigMap existing : c.getStore().list()) {
            if (managed(existing)) {
                wanted.add(existing.getMetadata().getNamespace());
            }
        }
        String bundle = Pem.encode(current.bundleCertificates());
        for (String namespace : wanted) {
            if (!carryOn.getAsBoolean()) {
                return;
            }
            ConfigMap cached = c.getStore().getByKey(namespace + "/" + TRUST_BUNDLE_CONFIG_MAP);
            if (cached != null && managed(cached) && holds(cached, bundle)) {
                continue;
            }
            try {
                publish(namespace, bundle);
            } catch (KubernetesClientException e) {
                log.warn(
                        "could not publish the trust bundle ConfigMap {}/{}: {} (will retry)",
                        namespace,
                        TRUST_BUNDLE_CONFIG_MAP,
                        e.getMessage());
                events.warning(
                        ControllerEvents.reference(
                                "v1",
                                "ConfigMap",
                                namespace,
                                TRUST_BUNDLE_CONFIG_MAP,
                                cached == null ? null : cached.getMetadata().getUid()),
                        EventReasons.TRUST_BUNDLE_FAILED,
                        "meshless could not write the mesh trust bundle into ConfigMap " + TRUST_BUNDLE_CONFIG_MAP
                                + ": " + e.getMessage() + " (will retry)");
            }
        }
    }

    /**
     * Whether every ConfigMap we manage holds the CA's bundle. Listed fresh, not from the informer
     * cache: the CA rotation must never run ahead of a bundle.
     */
    boolean current(MeshCa ca) {
        if (configMaps == null) {
            return true; // not publishing: nothing to wait for
        }
        String bundle = Pem.encode(ca.bundleCertificates());
        for (ConfigMap configMap : client.configMaps()
                .inAnyNamespace()
                .withField("metadata.name", TRUST_BUNDLE_CONFIG_MAP)
                .list()
                .getItems()) {
            if (managed(configMap) && !holds(configMap, bundle)) {
                log.debug(
                        "CA rotation waits for the trust bundle ConfigMap in {}",
                        configMap.getMetadata().getNamespace());
                return false;
            }
        }
        return true;
    }

    void close() {
        if (namespaces != null) {
            namespaces.stop();
        }
        if (configMaps != null) {
            configMaps.stop();
        }
    }

    /** Writes the bundle, deciding on a fresh read: the cache may lag our own last write. */
    private void publish(String namespace, String bundle) {
        ConfigMap fresh = client.configMaps()
                .inNamespace(namespace)
                .withName(TRUST_BUNDLE_CONFIG_MAP)
                .get();
        if (fresh == null) {
            client.configMaps()
                    .inNamespace(namespace)
                    .resource(wanted(namespace, bundle))
                    .create();
            log.info("published the trust bundle in ConfigMap {}/{}", namespace, TRUST_BUNDLE_CONFIG_MAP);
            return;
        }
        if (!managed(fresh)) {
            if (reportedForeign.add(namespace)) {
                log.error(
                        "ConfigMap {}/{} exists but is not managed by meshless (no label {}={}); it is left"
                                + " alone and the namespace gets no trust bundle until it is removed or renamed",
                        namespace,
                        TRUST_BUNDLE_CONFIG_MAP,
                        LABEL_MANAGED_BY,
                        MANAGED_BY);
            }
            events.warning(
                    fresh,
                    EventReasons.TRUST_BUNDLE_NOT_MANAGED,
                    "ConfigMap " + TRUST_BUNDLE_CONFIG_MAP + " exists but is not managed by meshless (no label "
                            + LABEL_MANAGED_BY + "=" + MANAGED_BY + "): meshless does not publish the mesh trust"
                            + " bundle here until it is removed or renamed");
            return;
        }
        reportedForeign.remove(namespace);
        if (holds(fresh, bundle)) {
            return;
        }
        ConfigMap repaired = wanted(namespace, bundle);
        repaired.getMetadata().setResourceVersion(fresh.getMetadata().getResourceVersion());
        client.configMaps().inNamespace(namespace).resource(repaired).update();
        log.info("updated the trust bundle in ConfigMap {}/{}", namespace, TRUST_BUNDLE_CONFIG_MAP);
    }

    private static ConfigMap wanted(String namespace, String bundle) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(TRUST_BUNDLE_CONFIG_MAP)
                .addToLabels(LABEL_MANAGED_BY, MANAGED_BY)
                .addToLabels(LABEL_COMPONENT, COMPONENT_TRUST_BUNDLE)
                .endMetadata()
                .withData(Map.of(CA_CRT, bundle))
                .build();
    }

    static boolean managed(ConfigMap configMap) {
        Map<String, String> labels = configMap.getMetadata().getLabels();
        return labels != null && MANAGED_BY.equals(labels.get(LABEL_MANAGED_BY));
    }

    /** Exactly the bundle: an added key, binary data or a lost component label are repaired too. */
    private static boolean holds(ConfigMap configMap, String bundle) {
        Map<String, String> labels = configMap.getMetadata().getLabels();
        return Map.of(CA_CRT, bundle).equals(configMap.getData())
                && (configMap.getBinaryData() == null
                        || configMap.getBinaryData().isEmpty())
                && COMPONENT_TRUST_BUNDLE.equals(labels.get(LABEL_COMPONENT));
    }
}
