package io.meshless.injector.webhook;

/**
 * Where an injected pod finds what the webhook puts in it: the workload certificate Secret's
 * mount (and which Secret that is, a name the certificate controller agrees on) and the agent jar.
 */
public final class PodLayout {
    /** Default directory of tls.crt / tls.key / ca.crt in the pod (the agent's default cert-dir). */
    public static final String CERT_DIR = "/var/run/meshless/certs";
    /** Where the init container copies the agent jar. */
    public static final String AGENT_DIR = "/var/run/meshless/agent";

    public static final String AGENT_JAR = AGENT_DIR + "/meshless-agent.jar";
    public static final String DEFAULT_SERVICE_ACCOUNT = "default";

    /**
     * The ConfigMap in the pod's namespace whose {@code ca.crt} a Pod Certificate volume projects
     * beside kubelet's credential bundle; the controller's leader publishes it in every namespace
     * that opted in (one name for both halves).
     */
    public static final String CA_BUNDLE_CONFIG_MAP =
            io.meshless.injector.controller.MeshlessMetadata.TRUST_BUNDLE_CONFIG_MAP;
    /** The credential bundle file kubelet writes for the Pod Certificate (key first, then chain). */
    public static final String CREDENTIAL_BUNDLE = io.meshless.pki.CertDirectory.CREDENTIAL_BUNDLE;

    private PodLayout() {}

    /** The {@code kubernetes.io/tls} Secret that holds the certificate of a service account's pods. */
    public static String secretName(String serviceAccount) {
        String sa = serviceAccount == null || serviceAccount.isEmpty() ? DEFAULT_SERVICE_ACCOUNT : serviceAccount;
        // The controller creates the Secret under this name: one definition for both halves.
        return io.meshless.injector.controller.WorkloadSecretNames.forServiceAccount(sa);
    }
}
