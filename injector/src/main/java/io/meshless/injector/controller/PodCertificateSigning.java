package io.meshless.injector.controller;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.certificates.v1beta1.PodCertificateRequestSpec;
import io.meshless.injector.controller.PodCertificateAnswer.Issued;
import io.meshless.injector.controller.PodCertificateAnswer.Refused;
import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.SpiffeId;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Decides one PodCertificateRequest for signer {@link MeshlessMetadata#POD_CERTIFICATE_SIGNER}: a
 * pure function of the request, the pod the API server holds under its name, the mesh CA and the
 * time. The API server already checked the proof of possession and that kubelet of the pod's node
 * created the request; this checks that the request still describes that pod, and that the pod
 * came through our webhook, since the signer name alone is something any pod spec can ask for.
 */
final class PodCertificateSigning {
    /** The API server's own bound (KEP-4317): a certificate shorter than an hour is refused on write. */
    static final Duration MIN_LIFETIME = Duration.ofHours(1);
    /** The API's default when the projection names no {@code maxExpirationSeconds}. */
    static final Duration DEFAULT_REQUESTED = Duration.ofHours(24);

    private static final String[] KEY_ALGORITHMS = {"EC", "RSA", "Ed25519"};

    private final String trustDomain;
    private final Duration maxLifetime;

    PodCertificateSigning(String trustDomain, Duration maxLifetime) {
        this.trustDomain = Objects.requireNonNull(trustDomain, "trustDomain");
        if (maxLifetime.compareTo(MIN_LIFETIME) < 0) {
            throw new IllegalArgumentException(
                    "pod certificate maximum lifetime " + maxLifetime + " is below the API's minimum of one hour");
        }
        this.maxLifetime = maxLifetime;
    }

    /** @param podOrNull the pod named by the request as the API server has it now, null when absent */
    PodCertificateAnswer decide(PodCertificateRequestSpec request, Pod podOrNull, MeshCa ca, Instant now) {
        String podName = request.getPodName();
        if (podOrNull == null) {
            return Refused.failed("PodNotFound", "pod " + podName + " does not exist");
        }
        if (!Objects.equals(podOrNull.getMetadata().getUid(), request.getPodUID())) {
            return Refused.failed(
                    "PodUIDMismatch",
                    "pod " + podName + " has UID " + podOrNull.getMetadata().getUid() + ", the request names "
                            + request.getPodUID());
        }
        String podServiceAccount =
                podOrNull.getSpec() == null ? null : podOrNull.getSpec().getServiceAccountName();
        if (podServiceAccount == null || !podServiceAccount.equals(request.getServiceAccountName())) {
            return Refused.failed(
                    "ServiceAccountMismatch",
                    "pod " + podName + " runs as service account " + podServiceAccount + ", the request names "
                            + request.getServiceAccountName());
        }
        String podNode = podOrNull.getSpec().getNodeName();
        if (podNode != null && !podNode.equals(request.getNodeName())) {
            return Refused.failed(
                    "NodeMismatch",
                    "pod " + podName + " is on node " + podNode + ", the request comes from " + request.getNodeName());
        }
        if (!CertificateController.injected(podOrNull)) {
            return Refused.denied(
                    "PodNotOptedIn",
                    "pod " + podName + " did not come through the Meshless webhook (no meshless.io/injected label"
                            + " and status annotation); opt the pod or its namespace in");
        }
        PublicKey key;
        try {
            key = publicKey(request.getPkixPublicKey());
        } catch (IllegalArgumentException e) {
            return Refused.failed("InvalidPublicKey", "pkixPublicKey " + e.getMessage());
        }
        SpiffeId id =
                SpiffeId.forServiceAccount(trustDomain, podOrNull.getMetadata().getNamespace(), podServiceAccount);
        LeafSpec.Builder spec = LeafSpec.builder()
                .spiffeId(id)
                .lifetime(lifetime(request.getMaxExpirationSeconds()))
                .notBefore(now);
        id.serviceAccountDnsName().ifPresent(spec::dnsName);
        List<X509Certificate> chain =
                new CertificateAuthority(ca.signer(), Clock.fixed(now, ZoneOffset.UTC)).certify(key, spec.build());
        Instant notBefore = chain.get(0).getNotBefore().toInstant();
        Instant notAfter = chain.get(0).getNotAfter().toInstant();
        Instant beginRefreshAt = notBefore.plus(
                Duration.between(notBefore, notAfter).multipliedBy(2).dividedBy(3));
        return new Issued(chain, notBefore, beginRefreshAt, notAfter);
    }

    /** The shortest of what the request asks, the configured maximum, and the API's default. */
    Duration lifetime(Integer maxExpirationSecondsOrNull) {
        Duration requested =
                maxExpirationSecondsOrNull == null ? DEFAULT_REQUESTED : Duration.ofSeconds(maxExpirationSecondsOrNull);
        Duration lifetime = requested.compareTo(maxLifetime) < 0 ? requested : maxLifetime;
        return lifetime.compareTo(MIN_LIFETIME) < 0 ? MIN_LIFETIME : lifetime;
    }

    /** DER SubjectPublicKeyInfo, base64 in the API object; EC, RSA or Ed25519 as kubelet generates. */
    static PublicKey publicKey(String base64) {
        if (base64 == null || base64.isEmpty()) {
            throw new IllegalArgumentException("is empty");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not base64: " + e.getMessage(), e);
        }
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (java.security.GeneralSecurityException | RuntimeException notThisAlgorithm) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("is not a DER SubjectPublicKeyInfo of an EC, RSA or Ed25519 key");
    }
}
