package io.meshless.injector.check;

import static io.meshless.injector.controller.MeshlessMetadata.TLS_CRT;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.meshless.pki.PkiException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * Every entry's {@code caBundle} verifies the certificate the injector serves, as the API server
 * will. With a Secret (chart modes secret, cert-manager) that is the Secret's chain, which must
 * also name the Service. Self-managed, each replica issues its own from the mesh CA into a local
 * directory, so what can be verified from outside is that the mesh CA chains to the caBundle.
 */
final class WebhookCaBundleCheck extends MeshCheck {

    WebhookCaBundleCheck() {
        super("webhook-ca-bundle", "webhook caBundle verifies the serving certificate");
    }

    @Override
    CheckResult evaluate(ClusterState cluster, Instant now) {
        InjectorNames names = cluster.names();
        MutatingWebhookConfiguration config = cluster.webhookConfiguration();
        if (config == null
                || config.getWebhooks() == null
                || config.getWebhooks().isEmpty()) {
            return fail("no webhook configuration to verify", Remedies.fixFirst(new WebhookConfiguredCheck()));
        }
        List<X509Certificate> serving;
        String servingName;
        if (names.selfManagedServingCertificate()) {
            servingName = "the mesh CA (Secret " + names.namespace() + "/" + names.caSecretName()
                    + "), which issues the injector's serving certificates";
            if (cluster.caSecret() == null) {
                return fail(servingName + " is not there", Remedies.fixFirst(new MeshCaCheck()));
            }
            try {
                serving = SecretCertificates.read(cluster.caSecret(), TLS_CRT);
            } catch (PkiException e) {
                return fail(e.getMessage(), Remedies.fixFirst(new MeshCaCheck()));
            }
        } else {
            servingName = "the serving certificate in Secret " + names.namespace() + "/" + names.servingSecretName();
            if (cluster.servingSecret() == null) {
                return fail(
                        "Secret " + names.namespace() + "/" + names.servingSecretName()
                                + ", which the injector mounts as its serving certificate, not found",
                        "create it (chart mode secret) or check that cert-manager issued the Certificate"
                                + " (kubectl -n " + names.namespace() + " get certificate)");
            }
            try {
                serving = SecretCertificates.read(cluster.servingSecret(), TLS_CRT);
            } catch (PkiException e) {
                return fail(e.getMessage(), "replace the Secret's tls.crt with the PEM chain, leaf first");
            }
            String host = names.serviceName() + "." + names.namespace() + ".svc";
            if (!dnsNames(serving.get(0)).contains(host)) {
                return fail(
                        servingName + " does not name " + host + " (the API server calls that host name)",
                        "issue it with the DNS name " + host);
            }
        }
        for (MutatingWebhook webhook : config.getWebhooks()) {
            String source = "MutatingWebhookConfiguration " + names.webhookConfigurationName() + " entry "
                    + webhook.getName() + " caBundle";
            try {
                String encoded = webhook.getClientConfig() == null
                        ? null
                        : webhook.getClientConfig().getCaBundle();
                byte[] pem = encoded == null ? null : Base64.getDecoder().decode(encoded.trim());
                List<X509Certificate> bundle = SecretCertificates.caBundle(pem, source);
                ChainVerifier.verify(serving, bundle, now, servingName);
            } catch (IllegalArgumentException e) {
                return fail(
                        source + " is not valid base64: " + e.getMessage(),
                        WebhookConfiguredCheck.caBundleFix(cluster));
            } catch (PkiException e) {
                return fail(source + ": " + e.getMessage(), WebhookConfiguredCheck.caBundleFix(cluster));
            }
        }
        return pass(Listing.count(config.getWebhooks().size(), "caBundle") + " verify " + servingName);
    }

    private static List<String> dnsNames(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names == null) {
                return List.of();
            }
            return names.stream()
                    .filter(n -> Integer.valueOf(2).equals(n.get(0)))
                    .map(n -> String.valueOf(n.get(1)))
                    .toList();
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }
}
