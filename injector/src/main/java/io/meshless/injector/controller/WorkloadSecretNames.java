package io.meshless.injector.controller;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The name of the Secret that holds a service account's workload certificate. */
public final class WorkloadSecretNames {

    static final String PREFIX = "meshless-";
    /** Kubernetes object names are DNS subdomains: at most 253 characters. */
    private static final int MAX_NAME = 253;

    private WorkloadSecretNames() {}

    /** {@code meshless-<serviceaccount>}; over-long names are shortened with a hash so they stay unique. */
    public static String forServiceAccount(String serviceAccount) {
        if (serviceAccount == null || serviceAccount.isEmpty()) {
            throw new IllegalArgumentException("service account name is empty");
        }
        String name = PREFIX + serviceAccount;
        if (name.length() <= MAX_NAME) {
            return name;
        }
        String hash = sha256Hex(serviceAccount).substring(0, 16);
        return name.substring(0, MAX_NAME - hash.length() - 1) + "-" + hash;
    }

    private static String sha256Hex(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return Fingerprints.hex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
