package io.meshless.injector.check;

import static io.meshless.injector.controller.MeshlessMetadata.CA_CRT;
import static io.meshless.injector.controller.MeshlessMetadata.LABEL_MANAGED_BY;
import static io.meshless.injector.controller.MeshlessMetadata.MANAGED_BY;
import static io.meshless.injector.controller.MeshlessMetadata.TRUST_BUNDLE_CONFIG_MAP;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.meshless.pki.CertificateReader;
import io.meshless.pki.PkiException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every namespace that needs the trust bundle ConfigMap {@code meshless-ca-bundle} has it, holding
 * the mesh CA's bundle: namespaces labelled {@code meshless.io/inject=enabled} and namespaces of
 * running injected pods, or every namespace when the injector runs with
 * {@code --trust-bundle-namespaces=all}. Pod Certificate pods cannot start without it, and non-JVM
 * pods that mount it trust what it holds.
 */
final class TrustBundleCheck extends MeshCheck {

    private static final MeshCaCheck MESH_CA = new MeshCaCheck();

    TrustBundleCheck() {
        super(
                "trust-bundle",
                "trust bundle ConfigMap " + TRUST_BUNDLE_CONFIG_MAP + " is in every namespace needing it");
    }

    @Override
    CheckResult evaluate(ClusterState cluster, Instant now) {
        Set<String> needing = needing(cluster);
        if (needing.isEmpty()) {
            return pass("no namespace needs it");
        }
        Set<X509Certificate> meshBundle = meshBundle(cluster, now);
        List<String> missing = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        List<String> foreign = new ArrayList<>();
        for (String namespace : needing) {
            ConfigMap configMap = cluster.trustBundles().configMaps().get(namespace);
            if (configMap == null) {
                missing.add(namespace);
                continue;
            }
            boolean ours = MANAGED_BY.equals(MeshPods.labels(configMap).get(LABEL_MANAGED_BY));
            if (!ours) {
                foreign.add(namespace);
            }
            if (meshBundle != null && !meshBundle.equals(certificates(configMap))) {
                stale.add(namespace + (ours ? "" : " (not managed by meshless)"));
            }
        }
        if (!missing.isEmpty()) {
            return fail(
                    "missing in " + Listing.count(missing.size(), "namespace") + " of " + needing.size() + ": "
                            + Listing.some(missing),
                    "the leading controller publishes it within one pass; "
                            + Remedies.controllerLeader(cluster.names()));
        }
        if (!stale.isEmpty()) {
            return fail(
                    "does not hold the mesh CA bundle (" + cluster.names().namespace() + "/"
                            + cluster.names().caSecretName() + " field " + CA_CRT + ") in "
                            + Listing.some(stale),
                    foreign.isEmpty()
                            ? "the leading controller rewrites it within one pass; "
                                    + Remedies.controllerLeader(cluster.names())
                            : "a ConfigMap of this name not labelled " + LABEL_MANAGED_BY + "=" + MANAGED_BY
                                    + " is never written by meshless: delete or rename it");
        }
        if (!foreign.isEmpty()) {
            return warn(
                    "not managed by meshless in " + Listing.some(foreign) + ": it will not follow a CA rotation",
                    "delete or rename it, and meshless publishes its own");
        }
        return pass(Listing.count(needing.size(), "namespace") + ", each holding the mesh CA bundle"
                + (meshBundle == null ? " (content not compared: the mesh CA Secret is refused)" : ""));
    }

    private static Set<String> needing(ClusterState cluster) {
        if (allNamespaces(cluster.deployment())) {
            return new TreeSet<>(cluster.trustBundles().namespaces());
        }
        Set<String> needing = new TreeSet<>(cluster.optedInNamespaces());
        for (Pod pod : cluster.injectedPods()) {
            if (!MeshPods.finished(pod)) {
                needing.add(pod.getMetadata().getNamespace());
            }
        }
        return needing;
    }

    /** Whether the injector publishes in every namespace ({@code --trust-bundle-namespaces=all}). */
    private static boolean allNamespaces(Deployment deployment) {
        if (deployment == null
                || deployment.getSpec() == null
                || deployment.getSpec().getTemplate() == null
                || deployment.getSpec().getTemplate().getSpec() == null) {
            return false;
        }
        Container injector = InjectorNames.injectorContainer(
                deployment.getSpec().getTemplate().getSpec().getContainers());
        return injector != null
                && injector.getArgs() != null
                && InjectorNames.flag(injector.getArgs(), "--trust-bundle-namespaces")
                        .filter("all"::equals)
                        .isPresent();
    }

    /**
     * The CA Secret's ca.crt; null when the controller would refuse the Secret (the mesh-ca check
     * reports why), since it then publishes nothing new and the ConfigMaps keep the last good bundle.
     */
    private static Set<X509Certificate> meshBundle(ClusterState cluster, Instant now) {
        if (cluster.caSecret() == null || MESH_CA.evaluate(cluster, now).status() == CheckStatus.FAIL) {
            return null;
        }
        try {
            return new HashSet<>(SecretCertificates.read(cluster.caSecret(), CA_CRT));
        } catch (PkiException e) {
            return null;
        }
    }

    private static Set<X509Certificate> certificates(ConfigMap configMap) {
        String pem = configMap.getData() == null ? null : configMap.getData().get(CA_CRT);
        if (pem == null) {
            return Set.of();
        }
        try {
            return new HashSet<>(CertificateReader.parse(
                    pem.getBytes(StandardCharsets.US_ASCII), "ConfigMap " + MeshPods.key(configMap) + " " + CA_CRT));
        } catch (PkiException e) {
            return Set.of();
        }
    }
}
