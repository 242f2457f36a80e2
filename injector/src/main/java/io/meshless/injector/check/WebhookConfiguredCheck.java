package io.meshless.injector.check;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ServiceReference;
import java.time.Instant;
import java.util.List;

/** The MutatingWebhookConfiguration exists, calls this injector's Service, and every entry has a caBundle. */
final class WebhookConfiguredCheck extends MeshCheck {

    static final String CERT_MANAGER_INJECT = "cert-manager.io/inject-ca-from";

    WebhookConfiguredCheck() {
        super("webhook-configured", "MutatingWebhookConfiguration is present");
    }

    @Override
    CheckResult evaluate(ClusterState cluster, Instant now) {
        InjectorNames names = cluster.names();
        MutatingWebhookConfiguration config = cluster.webhookConfiguration();
        if (config == null) {
            return fail(
                    "MutatingWebhookConfiguration " + names.webhookConfigurationName()
                            + " not found: no pod is injected",
                    "it is part of the chart: helm upgrade --install your release in " + names.namespace());
        }
        List<MutatingWebhook> webhooks = config.getWebhooks() == null ? List.of() : config.getWebhooks();
        if (webhooks.isEmpty()) {
            return fail(
                    "MutatingWebhookConfiguration " + names.webhookConfigurationName() + " has no webhooks",
                    "restore it from the chart: helm upgrade --install your release in " + names.namespace());
        }
        for (MutatingWebhook webhook : webhooks) {
            ServiceReference service = webhook.getClientConfig() == null
                    ? null
                    : webhook.getClientConfig().getService();
            if (service == null
                    || !names.namespace().equals(service.getNamespace())
                    || !names.serviceName().equals(service.getName())) {
                return fail(
                        "entry " + webhook.getName() + " calls "
                                + (service == null
                                        ? "no Service"
                                        : "Service " + service.getNamespace() + "/" + service.getName())
                                + ", not the injector's Service " + names.namespace() + "/" + names.serviceName(),
                        "restore the configuration from the chart (helm upgrade --install), or pass the"
                                + " --namespace and --release of the installation it belongs to");
            }
            String bundle = webhook.getClientConfig().getCaBundle();
            if (bundle == null || bundle.isEmpty()) {
                return fail(
                        "entry " + webhook.getName() + " has no caBundle: the API server cannot call it",
                        caBundleFix(cluster));
            }
        }
        return pass(names.webhookConfigurationName() + ": " + webhooks.size()
                + (webhooks.size() == 1 ? " entry calls" : " entries call") + " Service " + names.namespace() + "/"
                + names.serviceName());
    }

    /** Who writes the caBundle depends on how the serving certificate is provided. */
    static String caBundleFix(ClusterState cluster) {
        InjectorNames names = cluster.names();
        MutatingWebhookConfiguration config = cluster.webhookConfiguration();
        if (config != null
                && config.getMetadata().getAnnotations() != null
                && config.getMetadata().getAnnotations().containsKey(CERT_MANAGER_INJECT)) {
            return "cert-manager's cainjector writes it (annotation " + CERT_MANAGER_INJECT
                    + "): check that cert-manager runs and the Certificate in " + names.namespace() + " is Ready";
        }
        if (names.selfManagedServingCertificate()) {
            return "the injector's leading controller writes it: " + Remedies.controllerLeader(names);
        }
        return "set it to the CA of Secret " + names.namespace() + "/" + names.servingSecretName()
                + ": helm upgrade --set webhook.certificate.secret.caBundle=$(base64 -w0 ca.crt)";
    }
}
