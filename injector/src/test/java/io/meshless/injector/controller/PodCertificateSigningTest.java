package io.meshless.injector.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.meshless.injector.controller.PodCertificateAnswer.Issued;
import io.meshless.injector.controller.PodCertificateAnswer.Refused;
import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.KeyType;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** {@link PodCertificateSigning#decide}: which keys it signs and which claims it refuses, without an API server. */
class PodCertificateSigningTest {

    private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");
    private static final MeshCa CA = MeshCa.generated(CertificateAuthority.createRoot(
                    "Mesh CA", Duration.ofDays(30), KeyType.EC_P256, Clock.fixed(NOW, ZoneOffset.UTC))
            .held());

    private final PodCertificateSigning signing = new PodCertificateSigning("cluster.local", Duration.ofHours(24));
    private final Pod pod = new PodBuilder()
            .withNewMetadata()
            .withNamespace("shop")
            .withName("orders-1")
            .withUid("pod-uid")
            .addToLabels(MeshlessMetadata.POD_INJECTED_LABEL, MeshlessMetadata.POD_INJECTED_LABEL_VALUE)
            .addToAnnotations(MeshlessMetadata.POD_STATUS, MeshlessMetadata.POD_STATUS_INJECTED)
            .endMetadata()
            .withNewSpec()
            .withServiceAccountName("orders")
            .withNodeName("node-a")
            .endSpec()
            .build();
    private final ServiceAccount account = new ServiceAccountBuilder()
            .withNewMetadata()
            .withNamespace("shop")
            .withName("orders")
            .withUid("sa-uid")
            .endMetadata()
            .build();
    private final Node node = new NodeBuilder()
            .withNewMetadata()
            .withName("node-a")
            .withUid("node-uid")
            .endMetadata()
            .build();

    @Test
    void signsEveryKeyTypeKubeletCanGenerateThatTheMeshIssues() {
        for (KeyType type :
                new KeyType[] {KeyType.EC_P256, KeyType.EC_P384, KeyType.RSA_3072, KeyType.RSA_4096, KeyType.ED25519}) {
            PublicKey key = type.generate().getPublic();

            PodCertificateAnswer answer = decide(claim(key, "sa-uid", "node-uid"), account, node);

            assertThat(answer).as("%s", type).isInstanceOf(Issued.class);
            assertThat(((Issued) answer).chain().get(0).getPublicKey().getEncoded())
                    .as("%s", type)
                    .isEqualTo(key.getEncoded());
        }
    }

    @Test
    void failsKeysTheMeshDoesNotIssue() throws Exception {
        KeyPairGenerator p521 = KeyPairGenerator.getInstance("EC");
        p521.initialize(new ECGenParameterSpec("secp521r1"));
        KeyPair ecdsaP521 = p521.generateKeyPair();

        Refused refused = refused(claim(ecdsaP521.getPublic(), "sa-uid", "node-uid"), account, node);
        assertThat(refused.type()).isEqualTo("Failed");
        assertThat(refused.reason()).isEqualTo("UnsupportedKeyType");
        assertThat(refused.message())
                .isEqualTo("pkixPublicKey is EC P-521; the signer meshless.io/workload signs keyType ECDSAP256,"
                        + " ECDSAP384, RSA3072, RSA4096, ED25519 only");

        // Not a key type of the API either: kubelet never sends one, so a request with it is forged.
        Refused rsa2048 = refused(claim(KeyType.RSA_2048.generate().getPublic(), "sa-uid", "node-uid"), account, node);
        assertThat(rsa2048.reason()).isEqualTo("UnsupportedKeyType");
        assertThat(rsa2048.message()).startsWith("pkixPublicKey is RSA 2048;");
    }

    @Test
    void failsWhenTheServiceAccountOrNodeIsGoneOrNotTheOneTheRequestNames() {
        PublicKey key = KeyType.EC_P256.generate().getPublic();

        assertThat(refused(claim(key, "sa-uid", "node-uid"), null, node).reason())
                .isEqualTo("ServiceAccountNotFound");
        assertThat(refused(claim(key, "sa-uid", "node-uid"), account, null).reason())
                .isEqualTo("NodeNotFound");
        Refused sa = refused(claim(key, "old-sa-uid", "node-uid"), account, node);
        assertThat(sa.reason()).isEqualTo("ServiceAccountUIDMismatch");
        assertThat(sa.message()).isEqualTo("ServiceAccount orders has UID sa-uid, the request names old-sa-uid");
        Refused n = refused(claim(key, "sa-uid", "old-node-uid"), account, node);
        assertThat(n.reason()).isEqualTo("NodeUIDMismatch");
        assertThat(n.message()).isEqualTo("Node node-a has UID node-uid, the request names old-node-uid");
        assertThat(decide(claim(key, "sa-uid", "node-uid"), account, node)).isInstanceOf(Issued.class);
    }

    @Test
    void failsAPodBoundToNoNode() {
        pod.getSpec().setNodeName(null);

        Refused refused = refused(claim(KeyType.EC_P256.generate().getPublic(), "sa-uid", "node-uid"), account, node);
        assertThat(refused.reason()).isEqualTo("NodeMismatch");
        assertThat(refused.message()).isEqualTo("pod orders-1 is on no node, the request comes from node-a");
    }

    private PodCertificateAnswer decide(PodCertificateClaim claim, ServiceAccount sa, Node n) {
        return signing.decide(claim, new PodCertificateSubjects(pod, sa, n), CA, NOW);
    }

    private Refused refused(PodCertificateClaim claim, ServiceAccount sa, Node n) {
        PodCertificateAnswer answer = decide(claim, sa, n);
        assertThat(answer).isInstanceOf(Refused.class);
        return (Refused) answer;
    }

    private static PodCertificateClaim claim(PublicKey key, String serviceAccountUid, String nodeUid) {
        return new PodCertificateClaim(
                "shop",
                "orders-1-pcr",
                1L,
                MeshlessMetadata.POD_CERTIFICATE_SIGNER,
                "orders-1",
                "pod-uid",
                "orders",
                serviceAccountUid,
                "node-a",
                nodeUid,
                3600,
                Base64.getEncoder().encodeToString(key.getEncoded()),
                false);
    }
}
