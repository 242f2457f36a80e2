package io.meshless.injector.controller;

import io.meshless.pki.KeyType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The key types of Kubernetes Pod Certificates ({@code podCertificate.keyType}, the key kubelet
 * generates) beside the mesh's workload {@link KeyType}s: the webhook asks kubelet for the mesh's
 * workload key type, and the signer accepts every key the mesh also issues. The API's
 * {@code ECDSAP521} has no mesh key type, and the mesh's RSA 2048 no API key type.
 */
public final class PodCertificateKeyTypes {

    /** Every key type the API names (KEP-4317), in its spelling. */
    public static final List<String> API_KEY_TYPES =
            List.of("RSA3072", "RSA4096", "ECDSAP256", "ECDSAP384", "ECDSAP521", "ED25519");

    private static final Map<KeyType, String> API_NAMES = Map.of(
            KeyType.EC_P256, "ECDSAP256",
            KeyType.EC_P384, "ECDSAP384",
            KeyType.RSA_3072, "RSA3072",
            KeyType.RSA_4096, "RSA4096",
            KeyType.ED25519, "ED25519");

    private PodCertificateKeyTypes() {}

    /** The API's name for a mesh key type; empty when kubelet cannot generate such a key. */
    public static Optional<String> apiName(KeyType type) {
        return Optional.ofNullable(API_NAMES.get(type));
    }

    /**
     * The API's name for the workload key type, for the webhook's projection.
     *
     * @throws IllegalArgumentException naming the key types that have one
     */
    public static String requireApiName(KeyType workloadKeyType) {
        return apiName(workloadKeyType)
                .orElseThrow(() -> new IllegalArgumentException("workload key type " + workloadKeyType.cliName()
                        + " has no Kubernetes Pod Certificate keyType (the API knows "
                        + String.join(", ", API_KEY_TYPES)
                        + "); with identity source podCertificates choose one of " + supported()));
    }

    /** "ECDSAP256, ECDSAP384, RSA3072, RSA4096, ED25519": the API key types the signer accepts. */
    public static String signable() {
        return API_NAMES.keySet().stream().sorted().map(API_NAMES::get).collect(Collectors.joining(", "));
    }

    /** "ec-p256, ec-p384, rsa-3072, rsa-4096, ed25519": the workload key types both sides share. */
    public static String supported() {
        return API_NAMES.keySet().stream().sorted().map(KeyType::cliName).collect(Collectors.joining(", "));
    }
}
