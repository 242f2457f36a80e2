package io.meshless.examples.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.pki.HeldCertificate;
import io.meshless.pki.LeafSpec;
import io.meshless.testing.SecretVolume;
import io.meshless.testing.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * ingress's SPIFFE ID, with its own workload Secret from the same controller.
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

    @TempDir
    static Path work;

    private static ControlPlane api;
    private static EdgeClient anonymous;
    private static EdgeClient partner;
    private static final Map<String, MeshedBackend> apps = new HashMap<>();

    @BeforeAll
    static void cluster() throws IOException {
        api = ControlPlane.start(work.resolve("injector-serving-certs"));
        api.certificateForServiceAccount(INGRESS_NAMESPACE, INGRESS_ACCOUNT);
        api.certificateForServiceAccount(APP_NAMESPACE, OTHER_ACCOUNT);
        api.serviceAccount(APP_NAMESPACE, APP_ACCOUNT);
        api.podAdmitted(APP_NAMESPACE, APP_ACCOUNT);
        // Nothing below writes a workload Secret: these are the controller's.
        api.awaitWorkloadSecret(INGRESS_NAMESPACE, INGRESS_ACCOUNT);
        api.awaitWorkloadSecret(APP_NAMESPACE, OTHER_ACCOUNT);

        // The edge: the ingress's public certificate, and partners' client certificates from their own CA.
        TestPki publicCa = TestPki.builder().name("Public Web CA").build();
        HeldCertificate serving =
                publicCa.issue(LeafSpec.builder().dnsName(HOST).build());
        api.createSecret(
                APP_NAMESPACE,
                EDGE_TLS_SECRET,
                "kubernetes.io/tls",
                Map.of("tls.crt", serving.chainPem(), "tls.key", serving.privateKeyPem()));
        TestPki partners = TestPki.builder().name("Partner Client CA").build();
        api.createSecret(
                APP_NAMESPACE,
                PARTNER_CA_SECRET,
                "Opaque",
                Map.of("ca.crt", partners.bundle().toPem()));
        HeldCertificate partnerCertificate =
                partners.issue(LeafSpec.builder().commonName("partner-1").build());

        anonymous =
                EdgeClient.anonymous(write("public-ca.crt", publicCa.bundle().toPem()));
        partner = anonymous.presenting(
                write("partner.crt", partnerCertificate.chainPem()),
                write("partner.key", partnerCertificate.privateKeyPem()));
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

    /** The app on {@code java}, started once per JDK: strict, allowing the ingress's identity only. */
    private static MeshedBackend app(JavaHome java) {
        return apps.computeIfAbsent(java.toString(), name -> {
            SecretVolume certs = SecretVolume.at(work.resolve(name + "-hello-certs"));
            certs.publish(api.awaitWorkloadSecret(APP_NAMESPACE, APP_ACCOUNT));
            return MeshedBackend.start(
                    java,
                    "cert-dir=" + certs.directory() + ",mode=strict,allowed-peers=" + INGRESS_ID,
                    work.resolve(name + "-hello.log"));
        });
    }

    private static String diagnostics(EdgeClient.Response response, IngressNginx ingress, MeshedBackend app) {
        return "response: " + response + "\n--- nginx.conf\n" + ingress.config() + "\n--- nginx error.log\n"
                + ingress.errorLog() + "\n--- app log\n" + app.log();
    }

    private static Path write(String name, String pem) throws IOException {
        return Files.writeString(work.resolve(name), pem);
    }
}
