package io.meshless.injector.check;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** The Kubernetes API did not answer a read {@code check} needs; names what and why. */
public final class ClusterReadException extends Exception {
    private static final long serialVersionUID = 1L;

    ClusterReadException(String what, KubernetesClientException cause) {
        super("cannot read " + what + ": " + reason(cause), cause);
    }

    /**
     * The API server's own words (e.g. "secrets is forbidden: User ..."), else the deepest cause
     * (connection refused, unknown host): Fabric8's message only repeats which read failed.
     */
    private static String reason(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            return "HTTP " + e.getCode() + ", " + e.getStatus().getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.toString() : root.getMessage();
        return root == e ? message : root.getClass().getSimpleName() + ": " + message;
    }
}
