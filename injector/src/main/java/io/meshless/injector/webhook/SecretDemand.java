package io.meshless.injector.webhook;

/**
 * How the webhook tells the certificate controller that pods of a service account now expect
 * their workload Secret. Called only after a successful, non-dry-run injection, on the request
 * thread: implementations must not block (enqueue and return).
 */
@FunctionalInterface
public interface SecretDemand {
    SecretDemand NONE = (namespace, serviceAccount) -> {};

    void serviceAccountNeedsSecret(String namespace, String serviceAccount);
}
