package io.meshless.examples.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.pki.HeldCertificate;
import io.meshless.pki.LeafSpec;
import io.meshless.testing.MutableClock;
import io.meshless.testing.SecretVolume;
import io.meshless.testing.TestPki;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ingress in front of the mesh, end to end, as ingress-nginx uses it: the injector's real
 * certificate controller (on Fabric8's mock API server) issues {@code meshless-ingress-nginx} for
 * the annotated ServiceAccount {@code ingress-nginx/ingress-nginx}; a real nginx runs the
 * configuration ingress-nginx renders for the documented {@code proxy-ssl-*} and {@code auth-tls-*}
 * annotations, with that Secret written to files the way the ingress controller writes it; behind
 * it the unmodified {@code HelloServer} runs under the agent in strict mode, allowing only the
 * ingress's SPIFFE ID, with its own workload Secret from the same controller. When the controller
 * renews the ingress's Secret, nginx is given the new files and reloaded, as ingress-nginx does on a
 * changed Secret, and the app sees the new client certificate.
 */
class IngressIT {

    private static final String TRUST_DOMAIN = "cluster.local";
    private static final String INGRESS_NAMESPACE = "ingress-nginx";
    private static final String INGRESS_ACCOUNT = "ingress-nginx";
    private static final String INGRESS_ID =
            "spiffe://" + TRUST_DOMAIN + "/ns/" + INGRESS_NAMESPACE + "/sa/" + INGRESS_ACCOUNT;
    private static final String APP_NAMESPACE = "shop";
    private static final String APP_ACCOUNT = "hello";
    /** The DNS SAN every workload certificate carries: {@code <sa>.<ns>.serviceaccount.<trust domain>}. */
    private static final String APP_DNS_NAME = APP_ACCOUNT + "." + APP_NAMESPACE + ".serviceaccount." + TRUST_DOMAIN;
    /** Another workload of the mesh whose Secret the ingress must not be able to use. */
    private static final String OTHER_ACCOUNT = "orders";

    private static final String HOST = "hello.example.test";
    private static final String EDGE_TLS_SECRET = "hello-tls";
    private static final String PARTNER_CA_SECRET = "partner-ca";

    /**
     * How long before the test the renewal scenario's controller issues its Secrets: past the renewal
     * point of a 24 h certificate (2/3 of its lifetime plus at most 5 % jitter: 17.2 h), before its
     * end, so the first certificate is still valid for the real peers.
     */
    private static final Duration ISSUED_AGO = Duration.ofHours(20);

    @TempDir
    static Path work;

    private static Map<String, String> edgeTlsSecret;
    private static Map<String, String> partnerCaSecret;
    private static ControlPlane api;
    private static EdgeClient anonymous;
    private static EdgeClient partner;
    private static final Map<String, MeshedBackend> apps = new HashMap<>();

    @BeforeAll
    static void sharedCluster() throws IOException {
        // The edge: the ingress's public certificate, and partners' client certificates from their own CA.
        TestPki publicCa = TestPki.builder().name("Public Web CA").build();
        HeldCertificate serving =
                publicCa.issue(LeafSpec.builder().dnsName(HOST).build());
        edgeTlsSecret = Map.of("tls.crt", serving.chainPem(), "tls.key", serving.privateKeyPem());
        TestPki partners = TestPki.builder().name("Partner Client CA").build();
        partnerCaSecret = Map.of("ca.crt", partners.bundle().toPem());
        HeldCertificate partnerCertificate =
                partners.issue(LeafSpec.builder().commonName("partner-1").build());

        anonymous =
                EdgeClient.anonymous(write("public-ca.crt", publicCa.bundle().toPem()));
        partner = anonymous.presenting(
                write("partner.crt", partnerCertificate.chainPem()),
                write("partner.key", partnerCertificate.privateKeyPem()));

        api = controlPlane(work.resolve("injector-serving-certs"), Clock.systemUTC());
        api.awaitWorkloadSecret(INGRESS_NAMESPACE, INGRESS_ACCOUNT);
        api.awaitWorkloadSecret(APP_NAMESPACE, OTHER_ACCOUNT);
    }

    /**
     * The API objects of every scenario on a new control plane: the annotated ServiceAccounts, the
     * app's account with an admitted pod, the edge's Secrets. Nothing here writes a workload Secret:
     * these are the controller's.
     */
    private static ControlPlane controlPlane(Path servingCertDir, Clock controllerClock) {
        ControlPlane plane = ControlPlane.start(servingCertDir, controllerClock);
        try {
            plane.certificateForServiceAccount(INGRESS_NAMESPACE, INGRESS_ACCOUNT);
            plane.certificateForServiceAccount(APP_NAMESPACE, OTHER_ACCOUNT);
            plane.serviceAccount(APP_NAMESPACE, APP_ACCOUNT);
            plane.podAdmitted(APP_NAMESPACE, APP_ACCOUNT);
            plane.createSecret(APP_NAMESPACE, EDGE_TLS_SECRET, "kubernetes.io/tls", edgeTlsSecret);
            plane.createSecret(APP_NAMESPACE, PARTNER_CA_SECRET, "Opaque", partnerCaSecret);
        } catch (RuntimeException e) {
            plane.close();
            throw e;
        }
        return plane;
    }

    @AfterAll
    static void shutDown() {
        apps.values().forEach(MeshedBackend::close);
        if (api != null) {
            api.close();
        }
    }

    static List<JavaHome> jdks() {
        return JavaHome.both();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void requestThroughTheIngressReachesTheAppAsTheIngressServiceAccount(JavaHome java) throws IOException {
        MeshedBackend app = app(java);
        try (IngressNginx ingress = ingress(meshHop(app))) {
            EdgeClient.Response response = partner.get(HOST, ingress.port());

            assertThat(response.status())
                    .as(diagnostics(response, ingress, app))
                    .isEqualTo(200);
            assertThat(response.body()).isEqualTo("hello " + INGRESS_ID + "\n");
            assertThat(app.log()).contains("GET / from " + INGRESS_ID);
        }
    }

    /**
     * Renewal end to end: the controller renews the ingress's Secret when its renewal is due, and
     * ingress-nginx, on the changed Secret, rewrites its file and reloads; the app then sees the new
     * client certificate. The controller's clock starts {@link #ISSUED_AGO} in the past and is set to
     * the present, as a real cluster reaches the renewal point; its own control plane and app, so the
     * other scenarios keep their certificates.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void ingressPresentsItsRenewedCertificateAfterReloadingForTheChangedSecret(JavaHome java) throws IOException {
        Path scenario = Files.createTempDirectory(work, "renewal-" + java + "-");
        MutableClock controllerTime = new MutableClock(Instant.now().minus(ISSUED_AGO));
        try (ControlPlane plane = controlPlane(scenario.resolve("injector-serving-certs"), controllerTime)) {
            Map<String, byte[]> issued = plane.awaitWorkloadSecret(INGRESS_NAMESPACE, INGRESS_ACCOUNT);
            try (MeshedBackend app = meshedApp(java, plane, scenario);
                    IngressNginx ingress =
                            IngressNginx.start(scenario.resolve("ingress"), meshHop(app), plane::secret)) {
                EdgeClient.Response first = partner.get(HOST, ingress.port());
                assertThat(first.status()).as(diagnostics(first, ingress, app)).isEqualTo(200);
                assertThat(app.log()).contains(requestFrom(INGRESS_ID, serial(issued)));

                // The cluster's present: the Secret issued ISSUED_AGO is due, and the next resync renews it.
                controllerTime.set(Instant.now());
                plane.resync();
                Map<String, byte[]> renewed =
                        plane.awaitRenewedWorkloadSecret(INGRESS_NAMESPACE, INGRESS_ACCOUNT, issued);
                assertThat(serial(renewed)).isNotEqualTo(serial(issued));
                ingress.secretsChanged();

                EdgeClient.Response next = partner.get(HOST, ingress.port());

                assertThat(next.status()).as(diagnostics(next, ingress, app)).isEqualTo(200);
                assertThat(next.body()).isEqualTo("hello " + INGRESS_ID + "\n");
                assertThat(app.log())
                        .as("the app saw the renewed certificate (serial %s)", serial(renewed))
                        .contains(requestFrom(INGRESS_ID, serial(renewed)));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void appRefusesTheIngressWithoutItsSecret(JavaHome java) throws IOException {
        MeshedBackend app = app(java);
        try (IngressNginx ingress = ingress(meshHop(app).withoutAnnotations("proxy-ssl-"))) {
            assertThat(ingress.config()).doesNotContain("proxy_ssl_certificate");

            EdgeClient.Response response = partner.get(HOST, ingress.port());

            assertThat(response.status())
                    .as(diagnostics(response, ingress, app))
                    .isEqualTo(502);
            app.awaitLogged(
                    "the agent's refusal of the ingress without a client certificate",
                    Pattern.compile("refused inbound peer \\(no certificate\\) from \\S+:\\d+: no certificate"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void appRefusesAnIngressPresentingAnotherServiceAccountsSecret(JavaHome java) throws IOException {
        MeshedBackend app = app(java);
        String otherId = "spiffe://" + TRUST_DOMAIN + "/ns/" + APP_NAMESPACE + "/sa/" + OTHER_ACCOUNT;
        try (IngressNginx ingress =
                ingress(meshHop(app).annotate("proxy-ssl-secret", APP_NAMESPACE + "/meshless-" + OTHER_ACCOUNT))) {
            EdgeClient.Response response = partner.get(HOST, ingress.port());

            assertThat(response.status())
                    .as(diagnostics(response, ingress, app))
                    .isEqualTo(502);
            app.awaitLogged(
                    "the agent's refusal of " + otherId,
                    Pattern.compile(
                            "refused inbound peer " + Pattern.quote(otherId) + " \\(serial .*: not in allowed-peers"));
            assertThat(app.log()).doesNotContain("GET / from " + otherId);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void ingressRefusesABackendWhoseDnsSanIsNotTheProxySslName(JavaHome java) throws IOException {
        MeshedBackend app = app(java);
        String otherName = OTHER_ACCOUNT + "." + APP_NAMESPACE + ".serviceaccount." + TRUST_DOMAIN;
        try (IngressNginx ingress = ingress(meshHop(app).annotate("proxy-ssl-name", otherName))) {
            EdgeClient.Response response = partner.get(HOST, ingress.port());

            assertThat(response.status())
                    .as(diagnostics(response, ingress, app))
                    .isEqualTo(502);
            assertThat(ingress.errorLog()).contains("upstream SSL certificate does not match \"" + otherName + "\"");
        }
    }

    @Test
    void edgeRefusesAClientWithoutAPartnerCertificate() throws IOException {
        MeshedBackend app = app(JavaHome.both().get(0));
        try (IngressNginx ingress = ingress(meshHop(app))) {
            EdgeClient.Response response = anonymous.get(HOST, ingress.port());

            assertThat(response.status())
                    .as(diagnostics(response, ingress, app))
                    .isEqualTo(400);
            assertThat(response.body()).contains("No required SSL certificate was sent");
        }
    }

    /**
     * The Ingress the README documents: client certificates of partners at the edge
     * ({@code auth-tls-*}) and the ingress's mesh identity towards the app ({@code proxy-ssl-*}),
     * verifying the app by its DNS SAN.
     */
    private static Ingress meshHop(MeshedBackend app) {
        return Ingress.of(APP_NAMESPACE, HOST, EDGE_TLS_SECRET, app.port())
                .annotate("auth-tls-secret", APP_NAMESPACE + "/" + PARTNER_CA_SECRET)
                .annotate("auth-tls-verify-client", "on")
                .annotate("backend-protocol", "HTTPS")
                .annotate("proxy-ssl-secret", INGRESS_NAMESPACE + "/meshless-" + INGRESS_ACCOUNT)
                .annotate("proxy-ssl-verify", "on")
                .annotate("proxy-ssl-name", APP_DNS_NAME)
                .annotate("proxy-ssl-server-name", "on")
                .annotate("proxy-ssl-protocols", "TLSv1.2 TLSv1.3");
    }

    private static IngressNginx ingress(Ingress ingress) throws IOException {
        return IngressNginx.start(Files.createTempDirectory(work, "ingress-"), ingress, api::secret);
    }

    /** The app on {@code java}, started once per JDK. */
    private static MeshedBackend app(JavaHome java) {
        return apps.computeIfAbsent(java.toString(), name -> meshedApp(java, api, work.resolve(name)));
    }

    /** The app on {@code java} with its workload Secret from {@code plane}: strict, allowing the ingress's identity only. */
    private static MeshedBackend meshedApp(JavaHome java, ControlPlane plane, Path dir) {
        SecretVolume certs = SecretVolume.at(dir.resolve("hello-certs"));
        certs.publish(plane.awaitWorkloadSecret(APP_NAMESPACE, APP_ACCOUNT));
        return MeshedBackend.start(
                java,
                "cert-dir=" + certs.directory() + ",mode=strict,allowed-peers=" + INGRESS_ID,
                dir.resolve("hello.log"));
    }

    /** The line the app logs for a request, with the serial of the client certificate it saw. */
    private static String requestFrom(String spiffeId, String serial) {
        return "GET / from " + spiffeId + " (serial " + serial + ")";
    }

    /** The serial of the leaf in a workload Secret's {@code tls.crt}, as the app logs it (hex). */
    private static String serial(Map<String, byte[]> secret) {
        try {
            X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(secret.get("tls.crt")));
            return leaf.getSerialNumber().toString(16);
        } catch (CertificateException e) {
            throw new AssertionError("tls.crt of a workload Secret does not parse", e);
        }
    }

    private static String diagnostics(EdgeClient.Response response, IngressNginx ingress, MeshedBackend app) {
        return "response: " + response + "\n--- nginx.conf\n" + ingress.config() + "\n--- nginx error.log\n"
                + ingress.errorLog() + "\n--- app log\n" + app.log();
    }

    private static Path write(String name, String pem) throws IOException {
        return Files.writeString(work.resolve(name), pem);
    }
}
