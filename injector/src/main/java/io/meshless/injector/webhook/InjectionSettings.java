package io.meshless.injector.webhook;

import io.meshless.injector.controller.ControllerConfig;
import io.meshless.injector.controller.PodCertificateKeyTypes;
import io.meshless.pki.KeyType;
import java.util.Objects;
import java.util.Set;

/**
 * How the injector builds the init container, set once per process (command line / Helm values).
 *
 * @param agentImage image holding the agent jar at {@code agentJarInImage}
 * @param imagePullPolicy pull policy of the init container, e.g. IfNotPresent
 * @param agentJarInImage absolute path of meshless-agent.jar inside {@code agentImage}
 * @param runAsUser numeric non-root user of the init container (kubelet can only verify
 *     runAsNonRoot against a numeric user)
 * @param injectAll {@code inject -f}: inject every workload that does not opt out, like
 *     {@code linkerd inject}; the webhook keeps this false and needs an opt-in
 * @param identitySource whether the certificate volume is the service account's Secret or a Pod
 *     Certificate projection
 * @param defaultMode the agent mode of pods without a {@code meshless.io/mode} annotation (the chart's
 *     {@code agent.mode}), or null for the agent's own default
 * @param workloadKeyType the key type of workload certificates, the controller's too: with Pod
 *     Certificates kubelet is asked for this key type, so it must be one the API knows
 */
public record InjectionSettings(
        String agentImage,
        String imagePullPolicy,
        String agentJarInImage,
        long runAsUser,
        boolean injectAll,
        IdentitySource identitySource,
        String defaultMode,
        KeyType workloadKeyType) {
    /** The modes a default may name; {@code off} is an opt-out, a per-pod decision. */
    public static final Set<String> DEFAULT_MODES = Set.of("strict", "permissive", "audit");

    public static final String DEFAULT_AGENT_IMAGE = "ghcr.io/meshless/meshless-agent:0.1.0";
    public static final String DEFAULT_AGENT_JAR_IN_IMAGE = "/meshless-agent.jar";
    public static final long DEFAULT_RUN_AS_USER = 65532;

    public InjectionSettings {
        Objects.requireNonNull(identitySource, "identitySource");
        Objects.requireNonNull(workloadKeyType, "workloadKeyType");
        if (identitySource == IdentitySource.POD_CERTIFICATES) {
            PodCertificateKeyTypes.requireApiName(workloadKeyType);
        }
        Objects.requireNonNull(agentImage, "agentImage");
        Objects.requireNonNull(imagePullPolicy, "imagePullPolicy");
        Objects.requireNonNull(agentJarInImage, "agentJarInImage");
        if (agentImage.isBlank()) {
            throw new IllegalArgumentException("agent image must not be empty");
        }
        if (!agentJarInImage.startsWith("/")) {
            throw new IllegalArgumentException("agent jar path in the image must be absolute: " + agentJarInImage);
        }
        if (runAsUser <= 0) {
            throw new IllegalArgumentException("init container user must be a non-root uid, got " + runAsUser);
        }
        if (defaultMode != null && !DEFAULT_MODES.contains(defaultMode)) {
            throw new IllegalArgumentException(
                    "default mode must be one of strict, permissive, audit, not \"" + defaultMode + "\"");
        }
    }

    /** Certificates from the service account's Secret; the agent's own default mode. */
    public InjectionSettings(
            String agentImage, String imagePullPolicy, String agentJarInImage, long runAsUser, boolean injectAll) {
        this(
                agentImage,
                imagePullPolicy,
                agentJarInImage,
                runAsUser,
                injectAll,
                IdentitySource.SECRET,
                null,
                ControllerConfig.DEFAULT_WORKLOAD_KEY_TYPE);
    }

    public static InjectionSettings defaults() {
        return new InjectionSettings(
                DEFAULT_AGENT_IMAGE, "IfNotPresent", DEFAULT_AGENT_JAR_IN_IMAGE, DEFAULT_RUN_AS_USER, false);
    }

    public InjectionSettings withAgentImage(String image) {
        return new InjectionSettings(
                image,
                imagePullPolicy,
                agentJarInImage,
                runAsUser,
                injectAll,
                identitySource,
                defaultMode,
                workloadKeyType);
    }

    public InjectionSettings withInjectAll(boolean all) {
        return new InjectionSettings(
                agentImage,
                imagePullPolicy,
                agentJarInImage,
                runAsUser,
                all,
                identitySource,
                defaultMode,
                workloadKeyType);
    }

    public InjectionSettings withIdentitySource(IdentitySource source) {
        return new InjectionSettings(
                agentImage,
                imagePullPolicy,
                agentJarInImage,
                runAsUser,
                injectAll,
                source,
                defaultMode,
                workloadKeyType);
    }

    public InjectionSettings withDefaultMode(String mode) {
        return new InjectionSettings(
                agentImage,
                imagePullPolicy,
                agentJarInImage,
                runAsUser,
                injectAll,
                identitySource,
                mode,
                workloadKeyType);
    }

    public InjectionSettings withWorkloadKeyType(KeyType type) {
        return new InjectionSettings(
                agentImage, imagePullPolicy, agentJarInImage, runAsUser, injectAll, identitySource, defaultMode, type);
    }

    /** The {@code podCertificate.keyType} kubelet is asked for: the workload key type in the API's spelling. */
    public String podCertificateKeyType() {
        return PodCertificateKeyTypes.requireApiName(workloadKeyType);
    }
}
