package io.meshless.injector.check;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The names of an installation's objects: first as the Helm chart derives them from the release
 * name, then corrected by the flags the injector Deployment actually runs with, so a
 * {@code mesh.caSecretName} or a renamed webhook configuration is followed without options.
 *
 * @param servingSecretName the Secret the injector mounts as its serving certificate (chart modes
 *     {@code secret} and {@code cert-manager}); null when it issues its own (self-managed)
 */
public record InjectorNames(
        String namespace,
        String deploymentName,
        String serviceName,
        String webhookConfigurationName,
        String caSecretName,
        String servingSecretName) {

    static final String CHART = "meshless";
    private static final int DNS_LABEL = 63;

    public InjectorNames {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(deploymentName, "deploymentName");
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(webhookConfigurationName, "webhookConfigurationName");
        Objects.requireNonNull(caSecretName, "caSecretName");
    }

    /**
     * The chart's names for a release ({@code meshless.fullname} and {@code meshless.injector.fullname}
     * in _helpers.tpl, {@code trunc 63 | trimSuffix "-"}), assuming the self-managed serving certificate.
     */
    public static InjectorNames forRelease(String namespace, String release) {
        String fullname = release.contains(CHART) ? label(release) : label(release + "-" + CHART);
        String injector = label(fullname + "-injector");
        return new InjectorNames(namespace, injector, injector, injector, fullname + "-ca", null);
    }

    /** These names corrected by the {@code serve} flags of the Deployment's injector container. */
    public InjectorNames followingDeployment(Deployment deployment) {
        PodSpec pod = deployment == null
                        || deployment.getSpec() == null
                        || deployment.getSpec().getTemplate() == null
                ? null
                : deployment.getSpec().getTemplate().getSpec();
        Container injector = pod == null ? null : injectorContainer(pod.getContainers());
        if (injector == null) {
            return this;
        }
        List<String> args = injector.getArgs() == null ? List.of() : injector.getArgs();
        String serving = flag(args, "--tls-cert-file")
                .flatMap(file -> secretMountedAt(pod, injector, file))
                .orElse(null);
        return new InjectorNames(
                namespace,
                deploymentName,
                flag(args, "--service-name").orElse(serviceName),
                flag(args, "--webhook-config-name").orElse(webhookConfigurationName),
                flag(args, "--ca-secret-name").orElse(caSecretName),
                serving);
    }

    /** The arguments of the Deployment's injector container ({@code serve} and its flags); empty without one. */
    static List<String> injectorArgs(Deployment deployment) {
        Container injector = deployment == null
                        || deployment.getSpec() == null
                        || deployment.getSpec().getTemplate() == null
                        || deployment.getSpec().getTemplate().getSpec() == null
                ? null
                : injectorContainer(deployment.getSpec().getTemplate().getSpec().getContainers());
        return injector == null || injector.getArgs() == null ? List.of() : injector.getArgs();
    }

    public boolean selfManagedServingCertificate() {
        return servingSecretName == null;
    }

    static Container injectorContainer(List<Container> containers) {
        if (containers == null || containers.isEmpty()) {
            return null;
        }
        for (Container c : containers) {
            if ("injector".equals(c.getName())) {
                return c;
            }
        }
        return containers.get(0);
    }

    /** "--name=value" or "--name value", as {@code serve} accepts them; the last one wins. */
    static Optional<String> flag(List<String> args, String name) {
        String found = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.startsWith(name + "=")) {
                found = arg.substring(name.length() + 1);
            } else if (arg.equals(name) && i + 1 < args.size()) {
                found = args.get(++i);
            }
        }
        return Optional.ofNullable(found);
    }

    /** The Secret volume the container mounts at the directory holding {@code file}. */
    private static Optional<String> secretMountedAt(PodSpec pod, Container container, String file) {
        if (container.getVolumeMounts() == null || pod.getVolumes() == null) {
            return Optional.empty();
        }
        String best = null;
        String bestPath = "";
        for (VolumeMount mount : container.getVolumeMounts()) {
            String path = mount.getMountPath();
            if (path != null
                    && file.startsWith(path.endsWith("/") ? path : path + "/")
                    && path.length() > bestPath.length()) {
                best = mount.getName();
                bestPath = path;
            }
        }
        for (Volume volume : pod.getVolumes()) {
            if (volume.getName().equals(best) && volume.getSecret() != null) {
                return Optional.ofNullable(volume.getSecret().getSecretName());
            }
        }
        return Optional.empty();
    }

    private static String label(String name) {
        String cut = name.length() > DNS_LABEL ? name.substring(0, DNS_LABEL) : name;
        // Helm's trimSuffix removes one "-", not all of them.
        return cut.endsWith("-") ? cut.substring(0, cut.length() - 1) : cut;
    }
}
