package io.meshless.injector.controller;

/**
 * How the webhook tells the controller that a pod of a service account was admitted, so its
 * workload Secret appears within seconds instead of at the next informer event.
 */
public interface ServiceAccountDemand {

    /**
     * Called for every admitted, injected pod. Cheap, non-blocking, never throws.
     *
     * @param dryRun the admission was a dry run: nothing may be created for it
     */
    void serviceAccountAdmitted(String namespace, String serviceAccount, boolean dryRun);
}
