package io.meshless.injector.webhook;

/**
 * The names the webhook and the certificate controller must agree on: where the workload
 * certificate Secret is mounted and what the per-service-account Secret is called.
 */
public final class WorkloadSecrets {
    /** Default directory of tls.crt / tls.key / ca.crt in the pod (the agent's default cert-dir). */
    public static final String CERT_DIR = "/var/run/meshless/certs";
    /** Where the init container copies the agent jar. */
    public static final String AGENT_DIR = "/var/run/meshless/agent";

    public static final String AGENT_JAR = AGENT_DIR + "/meshless-agent.jar";
    public static final String DEFAULT_SERVICE_ACCOUNT = "default";

    private WorkloadSecrets() {}

    /** The {@code kubernetes.io/tls} Secret that holds the certificate of a service account's pods. */
    public static String secretName(String serviceAccount) {
        String sa = serviceAccount == null || serviceAccount.isEmpty() ? DEFAULT_SERVICE_ACCOUNT : serviceAccount;
        // The controller creates the Secret under this name: one definition for both halves.
        return io.meshless.injector.controller.WorkloadSecretNames.forServiceAccount(sa);
    }
}
