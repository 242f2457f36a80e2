package io.meshless.injector.controller;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.meshless.pki.Pem;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the MutatingWebhookConfiguration's {@code caBundle} equal to the mesh bundle (leader
 * only), unless someone else manages it: a configuration we may not read, or one that does not
 * exist, is left alone and never waited for.
 */
final class WebhookBundleReconciler {

    private static final Logger log = LoggerFactory.getLogger(WebhookBundleReconciler.class);

    private final KubernetesClient client;
    private final String configurationName;
    private final Set<String> reportedProblems = ConcurrentHashMap.newKeySet();

    /** @param configurationName the MutatingWebhookConfiguration, or null to manage none */
    WebhookBundleReconciler(KubernetesClient client, String configurationName) {
        this.client = client;
        this.configurationName = configurationName;
    }

    void reconcile(MeshCa current) {
        MutatingWebhookConfiguration mwc = configuration();
        if (mwc == null || holds(mwc, current)) {
            return;
        }
        String want = caBundle(current);
        client.admissionRegistration()
                .v1()
                .mutatingWebhookConfigurations()
                .withName(configurationName)
                .edit(m -> {
                    for (MutatingWebhook w : m.getWebhooks()) {
                        if (w.getClientConfig() == null) {
                            w.setClientConfig(new WebhookClientConfig());
                        }
                        w.getClientConfig().setCaBundle(want);
                    }
                    return m;
                });
        log.info("updated caBundle of MutatingWebhookConfiguration {}", configurationName);
    }

    /** Whether every webhook of the configuration trusts the bundle; true when it is not ours to manage. */
    boolean current(MeshCa ca) {
        MutatingWebhookConfiguration mwc = configuration();
        return mwc == null || holds(mwc, ca);
    }

    private static boolean holds(MutatingWebhookConfiguration mwc, MeshCa ca) {
        String want = caBundle(ca);
        for (MutatingWebhook w : mwc.getWebhooks()) {
            if (w.getClientConfig() == null || !want.equals(w.getClientConfig().getCaBundle())) {
                return false;
            }
        }
        return true;
    }

    private static String caBundle(MeshCa ca) {
        return CaSecrets.base64(Pem.encode(ca.bundleCertificates()));
    }

    private MutatingWebhookConfiguration configuration() {
        if (configurationName == null) {
            return null;
        }
        MutatingWebhookConfiguration mwc;
        try {
            mwc = client.admissionRegistration()
                    .v1()
                    .mutatingWebhookConfigurations()
                    .withName(configurationName)
                    .get();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 403) {
                throw e;
            }
            // Not ours to manage (e.g. cert-manager's CA injector keeps it): neither write it nor wait for it.
            if (reportedProblems.add("webhook configuration forbidden")) {
                log.warn(
                        "not allowed to read MutatingWebhookConfiguration {}; its caBundle is left to whoever manages it",
                        configurationName);
            }
            return null;
        }
        if (mwc == null && reportedProblems.add("no webhook configuration")) {
            log.warn(
                    "MutatingWebhookConfiguration {} not found; its caBundle is not managed until it exists",
                    configurationName);
        }
        return mwc;
    }
}
