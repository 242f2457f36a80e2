package io.meshless.injector.controller;

import static io.meshless.injector.controller.ControllerHarness.APP_NS;
import static io.meshless.injector.controller.ControllerHarness.NAMESPACE;
import static io.meshless.injector.controller.ControllerHarness.assertChainsTo;
import static io.meshless.injector.controller.ControllerHarness.certificates;
import static io.meshless.injector.controller.ControllerHarness.fingerprints;
import static io.meshless.injector.controller.ControllerHarness.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.meshless.pki.CertDirectory;
import io.meshless.pki.CredentialCheck;
import io.meshless.pki.PkiException;
import io.meshless.pki.SpiffeId;
import io.meshless.pki.TrustBundle;
import io.meshless.pki.WorkloadCredentials;
import io.meshless.pki.reload.ReloadListener;
import io.meshless.pki.reload.WatchedCertDirectory;
import io.meshless.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateControllerTest {

    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    @TempDir
    Path servingDir;

    private ControllerHarness h;

    @BeforeEach
    void cluster() {
        h = new ControllerHarness();
        h.serviceAccount(APP_NS, "orders");
        h.webhookConfiguration();
    }

    @AfterEach
    void shutdown() {
        h.close();
    }

    @Test
    void issuesWorkloadSecretForServiceAccountOfInjectedPod() throws Exception {
        h.injectedPod(APP_NS, "orders-1", "orders");
        CertificateController controller =
                h.startLeader("replica-a", h.config("replica-a", servingDir).build());

        Secret secret = h.awaitSecret(APP_NS, "meshless-orders");
        controller.reconcileNow();
        secret = h.secret(APP_NS, "meshless-orders");

        assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(secret.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "meshless");
        assertThat(secret.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getKind()).isEqualTo("ServiceAccount");
            assertThat(owner.getName()).isEqualTo("orders");
            assertThat(owner.getUid())
                    .isEqualTo(h.admin
                            .serviceAccounts()
                            .inNamespace(APP_NS)
                            .withName("orders")
                            .get()
                            .getMetadata()
                            .getUid());
        });

        X509Certificate leaf = certificates(secret, "tls.crt").get(0);
        assertThat(SpiffeId.fromCertificate(leaf)).contains(SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/orders"));
        assertThat(leaf.getSubjectAlternativeNames()).anySatisfy(san -> {
            assertThat(san.get(0)).isEqualTo(6);
            assertThat(san.get(1)).isEqualTo("spiffe://cluster.local/ns/shop/sa/orders");
        });
        // The one DNS SAN, for clients that verify names (nginx proxy_ssl_name, Go, curl).
        assertThat(leaf.getSubjectAlternativeNames())
                .filteredOn(san -> san.get(0).equals(2))
                .extracting(san -> (Object) san.get(1))
                .containsExactly("orders.shop.serviceaccount.cluster.local");
        assertThat(leaf.getExtendedKeyUsage()).contains(SERVER_AUTH, CLIENT_AUTH);
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getPublicKey().getAlgorithm()).isIn("EC", "ECDSA");

        List<X509Certificate> bundle = certificates(secret, "ca.crt");
        assertChainsTo(certificates(secret, "tls.crt"), bundle, h.clock.instant());
        // The key in the Secret belongs to the certificate, checked by pki's independent credential check.
        CredentialCheck.verify(ControllerHarness.held(secret), TrustBundle.of(bundle), h.clock, 4);

        Secret ca = h.secret(NAMESPACE, "meshless-ca");
        assertThat(ca.getData()).containsKeys("tls.crt", "tls.key", "ca.crt");
        assertThat(fingerprints(certificates(ca, "ca.crt"))).isEqualTo(fingerprints(bundle));
        assertThat(secret.getMetadata().getAnnotations())
                .containsEntry(MeshlessMetadata.SERIAL, leaf.getSerialNumber().toString(16))
                .containsEntry(
                        MeshlessMetadata.NOT_AFTER,
                        leaf.getNotAfter().toInstant().toString())
                .containsKey(MeshlessMetadata.ISSUER_SHA256);
        assertThat(controller.metrics().certificatesIssued()).isGreaterThanOrEqualTo(2); // leaf + serving cert
        assertThat(controller.metrics().secretExpiresIn()).containsKey(APP_NS + "/meshless-orders");
        assertThat(controller.ready()).isTrue();
    }

    @Test
    void watchesOnlyPodsOurWebhookLabelledAndNeedsBothMarks() {
        // Every service account exists, so a missing Secret below can only mean "not counted as injected".
        for (String sa : List.of("annotated", "labelled", "unrelated")) {
            h.serviceAccount(APP_NS, sa);
        }
        Map<String, String> annotation = Map.of(MeshlessMetadata.POD_STATUS, MeshlessMetadata.POD_STATUS_INJECTED);
        Map<String, String> label =
                Map.of(MeshlessMetadata.POD_INJECTED_LABEL, MeshlessMetadata.POD_INJECTED_LABEL_VALUE);
        h.injectedPod(APP_NS, "orders-1", "orders");
        // Annotated by hand or by other tooling, never admitted by our webhook: no label.
        h.plainPod(APP_NS, "annotated-only", "annotated", Map.of(), annotation);
        // Anyone may set a label: without the annotation it does not count either.
        h.plainPod(APP_NS, "labelled-only", "labelled", label, Map.of());
        for (int i = 0; i < 50; i++) {
            h.plainPod(APP_NS, "unrelated-" + i, "unrelated", Map.of("app", "unrelated"), Map.of());
        }
        CertificateController controller =
                h.startLeader("replica-a", h.config("replica-a", servingDir).build());

        // The same after the initial list: pods created while the informer watches.
        h.plainPod(APP_NS, "annotated-later", "annotated", Map.of(), annotation);
        for (int i = 0; i < 50; i++) {
            h.plainPod(APP_NS, "unrelated-later-" + i, "unrelated", Map.of("app", "unrelated"), Map.of());
        }
        h.injectedPod(APP_NS, "orders-2", "orders");
        // Watch events arrive in order: once orders-2 is cached, every pod created before it was
        // either delivered too or filtered out by the API server.
        Await.atMost(Duration.ofSeconds(60)).until("the informer to see orders-2", () -> controller
                .cachedPods()
                .contains(APP_NS + "/orders-2"));
        controller.reconcileNow();

        assertThat(controller.cachedPods())
                .containsExactlyInAnyOrder(APP_NS + "/orders-1", APP_NS + "/orders-2", APP_NS + "/labelled-only");
        assertThat(h.secret(APP_NS, "meshless-orders")).isNotNull();
        assertThat(h.secret(APP_NS, "meshless-annotated")).isNull();
        assertThat(h.secret(APP_NS, "meshless-labelled")).isNull();
        assertThat(h.secret(APP_NS, "meshless-unrelated")).isNull();
    }

    @Test
    void renewsAtTwoThirdsOfLifetimeButNotBefore() throws Exception {
        h.injectedPod(APP_NS, "orders-1", "orders");
        CertificateController controller =
                h.startLeader("replica-a", h.config("replica-a", servingDir).build());
        X509Certificate first = certificates(h.awaitSecret(APP_NS, "meshless-orders"), "tls.crt")
                .get(0);
        Instant issuedAt = first.getNotBefore().toInstant();

        // Just before 2/3 of 24 h: nothing happens, however often the controller looks.
        h.clock.set(issuedAt.plus(Duration.ofHours(16)).minusSeconds(60));
        controller.reconcileNow();
        controller.reconcileNow();
        assertThat(certificates(h.secret(APP_NS, "meshless-orders"), "tls.crt")
                        .get(0)
                        .getSerialNumber())
                .isEqualTo(first.getSerialNumber());

        // Past 2/3 plus the largest jitter (5 % of 24 h = 72 min): renewed, valid from the clock's now.
        h.clock.set(issuedAt.plus(Duration.ofHours(16)).plus(Duration.ofMinutes(73)));
        controller.reconcileNow();
        Secret renewed = h.secret(APP_NS, "meshless-orders");
        X509Certificate second = certificates(renewed, "tls.crt").get(0);
        assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
        assertThat(second.getNotBefore().toInstant()).isEqualTo(h.clock.instant());
        assertChainsTo(certificates(renewed, "tls.crt"), certificates(renewed, "ca.crt"), h.clock.instant());
        Instant renewAfter =
                Instant.parse(renewed.getMetadata().getAnnotations().get(MeshlessMetadata.RENEW_AFTER));
        assertThat(renewAfter)
                .isBetween(
                        h.clock.instant().plus(Duration.ofHours(16)),
                        h.clock.instant().plus(Duration.ofHours(16)).plus(Duration.ofMinutes(72)));
    }

    @Test
    void admittedServiceAccountGetsItsSecretBeforeAnyPodIsWatched() {
        // The webhook never reports a dry run (see WebhookHttpsTest); without the report no pod asks for a Secret.
        CertificateController controller =
                h.startLeader("replica-a", h.config("replica-a", servingDir).build());
        controller.reconcileNow();
        assertThat(h.secret(APP_NS, "meshless-orders")).isNull();

        controller.serviceAccountNeedsSecret(APP_NS, "orders");
        controller.reconcileNow();
        assertThat(h.secret(APP_NS, "meshless-orders")).isNotNull();
    }

    @Test
    void reissuesDamagedWorkloadSecret() throws Exception {
        h.injectedPod(APP_NS, "orders-1", "orders");
        h.startLeader("replica-a", h.config("replica-a", servingDir).build());
        Secret original = h.awaitSecret(APP_NS, "meshless-orders");

        String truncated = text(original, "tls.crt").substring(0, 100);
        h.admin
                .secrets()
                .inNamespace(APP_NS)
                .resource(new SecretBuilder(original)
                        .addToData(
                                "tls.crt",
                                Base64.getEncoder().encodeToString(truncated.getBytes(StandardCharsets.US_ASCII)))
                        .build())
                .update();

        // The edit reaches the controller as a watch event, and that event drives the repair: an
        // explicit pass right after the update may still see the informer's older, intact copy.
        Await.atMost(Duration.ofSeconds(30))
                .until("the damaged Secret to be reissued", () -> usable(h.secret(APP_NS, "meshless-orders")));
        Secret repaired = h.secret(APP_NS, "meshless-orders");
        assertThat(certificates(repaired, "tls.crt").get(0).getSerialNumber())
                .isNotEqualTo(certificates(original, "tls.crt").get(0).getSerialNumber());
        CredentialCheck.verify(
                ControllerHarness.held(repaired), TrustBundle.of(certificates(repaired, "ca.crt")), h.clock, 4);
    }

    private boolean usable(Secret secret) {
        try {
            CredentialCheck.verify(
                    ControllerHarness.held(secret), TrustBundle.of(certificates(secret, "ca.crt")), h.clock, 4);
            return true;
        } catch (PkiException e) {
            return false;
        }
    }

    @Test
    void reissuesWhenTheIdentityChanges() throws Exception {
        h.injectedPod(APP_NS, "orders-1", "orders");
        CertificateController first =
                h.startLeader("replica-a", h.config("replica-a", servingDir).build());
        X509Certificate before = certificates(h.awaitSecret(APP_NS, "meshless-orders"), "tls.crt")
                .get(0);
        first.close();

        // Same Secret, same CA, not yet due for renewal: only the trust domain changed.
        CertificateController second = h.startLeader(
                "replica-b",
                h.config("replica-b", servingDir)
                        .trustDomain("prod.example.org")
                        .build());
        second.reconcileNow();
        X509Certificate after =
                certificates(h.secret(APP_NS, "meshless-orders"), "tls.crt").get(0);
        assertThat(after.getSerialNumber()).isNotEqualTo(before.getSerialNumber());
        assertThat(SpiffeId.fromCertificate(after))
                .contains(SpiffeId.parse("spiffe://prod.example.org/ns/shop/sa/orders"));
        assertThat(after.getSubjectAlternativeNames())
                .filteredOn(san -> san.get(0).equals(2))
                .extracting(san -> (Object) san.get(1))
                .containsExactly("orders.shop.serviceaccount.prod.example.org");
    }

    @Test
    void issuesSecretForAnnotatedServiceAccountWithoutInjectedPods() throws Exception {
        h.serviceAccount("ingress-nginx", "ingress-nginx", Map.of("meshless.io/certificate", "true"));
        h.serviceAccount("ingress-nginx", "other", Map.of("meshless.io/certificate", "false"));
        CertificateController controller =
                h.startLeader("replica-a", h.config("replica-a", servingDir).build());

        Secret secret = h.awaitSecret("ingress-nginx", "meshless-ingress-nginx");
        controller.reconcileNow();

        assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
        X509Certificate leaf = certificates(secret, "tls.crt").get(0);
        assertThat(SpiffeId.fromCertificate(leaf))
                .contains(SpiffeId.parse("spiffe://cluster.local/ns/ingress-nginx/sa/ingress-nginx"));
        assertThat(leaf.getSubjectAlternativeNames())
                .filteredOn(san -> san.get(0).equals(2))
                .extracting(san -> (Object) san.get(1))
                .containsExactly("ingress-nginx.ingress-nginx.serviceaccount.cluster.local");
        assertChainsTo(certificates(secret, "tls.crt"), certificates(secret, "ca.crt"), h.clock.instant());
        assertThat(h.secret("ingress-nginx", "meshless-other")).isNull();
    }

    @Test
    void leavesForeignSecretOfTheSameNameAlone() {
        h.putSecret(APP_NS, "meshless-orders", Map.of("tls.crt", "not ours"));
        h.injectedPod(APP_NS, "orders-1", "orders");
        CertificateController controller =
                h.startLeader("replica-a", h.config("replica-a", servingDir).build());
        controller.reconcileNow();

        assertThat(text(h.secret(APP_NS, "meshless-orders"), "tls.crt")).isEqualTo("not ours");
    }

    @Test
    void keepsWebhookCaBundleCurrent() throws Exception {
        CertificateController controller =
                h.startLeader("replica-a", h.config("replica-a", servingDir).build());
        controller.reconcileNow();

        String caBundle = h.webhook().getWebhooks().get(0).getClientConfig().getCaBundle();
        assertThat(caBundle).isNotNull();
        List<X509Certificate> published =
                io.meshless.pki.CertificateReader.parse(Base64.getDecoder().decode(caBundle), "caBundle");
        assertThat(fingerprints(published))
                .isEqualTo(fingerprints(certificates(h.secret(NAMESPACE, "meshless-ca"), "ca.crt")));
    }

    @Test
    void writesAndRenewsServingCertificateForTheInjectorService() throws Exception {
        CertificateController controller =
                h.startLeader("replica-a", h.config("replica-a", servingDir).build());
        assertThat(controller.awaitServingCertificate(Duration.ofSeconds(10))).isTrue();

        WorkloadCredentials first = CertDirectory.load(servingDir, h.clock);
        X509Certificate cert = first.identity().certificate();
        assertThat(cert.getSubjectAlternativeNames())
                .extracting(san -> String.valueOf(san.get(1)))
                .contains(
                        "meshless-injector",
                        "meshless-injector.meshless",
                        "meshless-injector.meshless.svc",
                        "meshless-injector.meshless.svc.cluster.local");
        assertThat(cert.getExtendedKeyUsage()).contains(SERVER_AUTH);
        assertChainsTo(
                first.identity().chain(),
                certificates(h.secret(NAMESPACE, "meshless-ca"), "ca.crt"),
                h.clock.instant());

        // The webhook's HTTPS server reads the directory through pki's watcher: it must follow the renewal.
        java.util.List<PkiException> rejected = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (WatchedCertDirectory watched =
                new WatchedCertDirectory(servingDir, h.clock, Duration.ofMillis(100), new ReloadListener() {
                    @Override
                    public void loaded(WorkloadCredentials previous, WorkloadCredentials current) {}

                    @Override
                    public void rejected(PkiException problem) {
                        rejected.add(problem);
                    }
                })) {
            watched.start();
            Await.atMost(Duration.ofSeconds(10))
                    .until("the watcher to load", () -> watched.current().isPresent());
            assertThat(watched.current().get().serialHex()).isEqualTo(first.serialHex());

            h.clock.advance(Duration.ofHours(18));
            controller.reconcileNow();
            String renewedSerial = CertDirectory.load(servingDir, h.clock).serialHex();
            Await.atMost(Duration.ofSeconds(10))
                    .until(
                            "the watcher to reload",
                            () -> watched.current().get().serialHex().equals(renewedSerial));
            assertThat(rejected).as("half-written sets seen by the watcher").isEmpty();
        }
        WorkloadCredentials second = CertDirectory.load(servingDir, h.clock);
        assertThat(second.serialHex()).isNotEqualTo(first.serialHex());
        // Swapped like a kubelet Secret volume: files are links through ..data, old versions removed.
        assertThat(java.nio.file.Files.isSymbolicLink(servingDir.resolve("tls.key")))
                .isTrue();
        assertThat(java.nio.file.Files.isSymbolicLink(servingDir.resolve("..data")))
                .isTrue();
        assertThat(new ServingCertificateDirectory(servingDir).versions()).isEqualTo(1);
    }

    @Test
    void nonLeaderWritesServingCertificateButNoSecrets() throws Exception {
        CertificateController leader =
                h.startLeader("replica-a", h.config("replica-a", servingDir).build());
        Path otherDir = servingDir.resolve("other");
        CertificateController follower =
                h.start("replica-b", h.config("replica-b", otherDir).build());
        follower.reconcileNow();
        assertThat(follower.isLeader()).isFalse();
        assertThat(follower.awaitServingCertificate(Duration.ofSeconds(10))).isTrue();
        assertThat(CertDirectory.load(otherDir, h.clock)
                        .identity()
                        .certificate()
                        .getIssuerX500Principal())
                .isEqualTo(certificates(h.secret(NAMESPACE, "meshless-ca"), "tls.crt")
                        .get(0)
                        .getSubjectX500Principal());
        assertThat(leader.isLeader()).isTrue();
    }
}
