package io.meshless.injector.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.meshless.injector.controller.PodCertificateAnswer.Issued;
import io.meshless.injector.controller.PodCertificateAnswer.Refused;
import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.KeyType;
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
import java.util.Optional;

/**
 * Decides one PodCertificateRequest for signer {@link MeshlessMetadata#POD_CERTIFICATE_SIGNER}: a
 * pure function of the request's claim, the pod, service account and node the API server holds under
 * its names, the mesh CA and the time. The API server already checked the proof of possession and
 * that kubelet of the pod's node created the request; this checks that the request still describes
 * those objects (names and UIDs), that the key is one the mesh issues, and that the pod came through
 * our webhook, since the signer name alone is something any pod spec can ask for.
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

    PodCertificateAnswer decide(PodCertificateClaim request, PodCertificateSubjects found, MeshCa ca, Instant now) {
        String podName = request.podName();
        Pod pod = found.pod();
        if (pod == null) {
            return Refused.failed("PodNotFound", "pod " + podName + " does not exist");
        }
        if (!Objects.equals(uid(pod), request.podUid())) {
            return Refused.failed(
                    "PodUIDMismatch",
                    "pod " + podName + " has UID " + uid(pod) + ", the request names " + request.podUid());
        }
        String podServiceAccount = pod.getSpec() == null ? null : pod.getSpec().getServiceAccountName();
        if (podServiceAccount == null || !podServiceAccount.equals(request.serviceAccountName())) {
            return Refused.failed(
                    "ServiceAccountMismatch",
                    "pod " + podName + " runs as service account " + podServiceAccount + ", the request names "
                            + request.serviceAccountName());
        }
        String podNode = pod.getSpec().getNodeName();
        if (podNode == null || !podNode.equals(request.nodeName())) {
            return Refused.failed(
                    "NodeMismatch",
                    "pod " + podName + (podNode == null ? " is on no node" : " is on node " + podNode)
                            + ", the request comes from " + request.nodeName());
        }
        Optional<Refused> replaced = sameUid(
                        "ServiceAccount", found.serviceAccount(), podServiceAccount, request.serviceAccountUid())
                .or(() -> sameUid("Node", found.node(), podNode, request.nodeUid()));
        if (replaced.isPresent()) {
            return replaced.get();
        }
        if (!CertificateController.injected(pod)) {
            return Refused.denied(
                    "PodNotOptedIn",
                    "pod " + podName + " did not come through the Meshless webhook (no meshless.io/injected label"
                            + " and status annotation); opt the pod or its namespace in");
        }
        PublicKey key;
        try {
            key = publicKey(request.pkixPublicKey());
        } catch (IllegalArgumentException e) {
            return Refused.failed("InvalidPublicKey", "pkixPublicKey " + e.getMessage());
        }
        Optional<KeyType> keyType =
                KeyType.of(key).filter(t -> PodCertificateKeyTypes.apiName(t).isPresent());
        if (keyType.isEmpty()) {
            return Refused.failed(
                    "UnsupportedKeyType",
                    "pkixPublicKey is " + KeyType.describe(key) + "; the signer "
                            + MeshlessMetadata.POD_CERTIFICATE_SIGNER + " signs keyType "
                            + PodCertificateKeyTypes.signable() + " only");
        }
        SpiffeId id = SpiffeId.forServiceAccount(trustDomain, pod.getMetadata().getNamespace(), podServiceAccount);
        LeafSpec.Builder spec = LeafSpec.builder()
                .spiffeId(id)
                .lifetime(lifetime(request.maxExpirationSeconds()))
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

    /**
     * The object under the request's name must exist and be the one the request was made for: a
     * service account or node deleted and created again under the same name has a new UID.
     */
    private static Optional<Refused> sameUid(String kind, HasMetadata object, String name, String requestedUid) {
        if (object == null) {
            return Optional.of(Refused.failed(kind + "NotFound", kind + " " + name + " does not exist"));
        }
        if (!Objects.equals(uid(object), requestedUid)) {
            return Optional.of(Refused.failed(
                    kind + "UIDMismatch",
                    kind + " " + name + " has UID " + uid(object) + ", the request names " + requestedUid));
        }
        return Optional.empty();
    }

    private static String uid(HasMetadata object) {
        return object.getMetadata() == null ? null : object.getMetadata().getUid();
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
