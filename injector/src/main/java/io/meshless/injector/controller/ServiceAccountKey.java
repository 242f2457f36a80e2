package io.meshless.injector.controller;

/** A service account by namespace and name; the unit a workload Secret is kept for. */
record ServiceAccountKey(String namespace, String serviceAccount) {

    static final String DEFAULT_SERVICE_ACCOUNT = "default";

    /** A pod without a service account name runs as {@code default}. */
    static ServiceAccountKey of(String namespace, String serviceAccount) {
        return new ServiceAccountKey(
                namespace,
                serviceAccount == null || serviceAccount.isEmpty() ? DEFAULT_SERVICE_ACCOUNT : serviceAccount);
    }

    @Override
    public String toString() {
        return namespace + "/" + serviceAccount;
    }
}
