package io.meshless.injector.check;

import static io.meshless.injector.check.MeshCluster.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyType;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.Pem;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's modes secret and cert-manager: the injector mounts a Secret as its serving
 * certificate, found through the Deployment's --tls-cert-file, and the caBundle must verify it.
 */
class CheckServingSecretTest {

    private static final String HOST = "meshless-injector.meshless-system.svc";
    private static final Clock AT_T0 = Clock.fixed(T0, ZoneOffset.UTC);

    @TempDir
    Path servingDir;

    private MeshCluster cluster;
    private final CertificateAuthority webhookCa =
            CertificateAuthority.createRoot("Webhook CA", Duration.ofDays(90), KeyType.EC_P256, AT_T0);

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void install(HeldCertificate serving, boolean withSecret) {
        cluster = new MeshCluster();
        cluster.deployment(
                List.of(
                        "--tls-cert-file=/var/run/meshless/webhook-tls/tls.crt",
                        "--tls-key-file=/var/run/meshless/webhook-tls/tls.key"),
                2);
        if (withSecret) {
            cluster.putSecret(MeshCluster.tlsSecret(
                    MeshCluster.NAMESPACE, MeshCluster.SERVING_SECRET, serving, List.of(webhookCa.certificate())));
        }
        cluster.webhookConfiguration(MeshCluster.base64(Pem.encode(webhookCa.certificate())));
        cluster.serviceAccount(MeshCluster.APP_NS, "orders");
        cluster.injectedPod(MeshCluster.APP_NS, "orders-1", "orders");
        cluster.runController(servingDir, false, b -> b);
    }

    private HeldCertificate serving(String dnsName, Duration lifetime) {
        return webhookCa.issue(LeafSpec.builder()
                .commonName(HOST)
                .dnsName(dnsName)
                .lifetime(lifetime)
                .notBefore(T0)
                .build());
    }

    private static CheckResult caBundleResult(CheckReport report) {
        return MeshCluster.result(report, "webhook-ca-bundle");
    }

    @Test
    void caBundleVerifyingTheMountedSecretPasses() throws Exception {
        install(serving(HOST, Duration.ofDays(30)), true);

        CheckReport report = cluster.check(T0.plusSeconds(3600));

        assertThat(report.results())
                .allSatisfy(r ->
                        assertThat(r.status()).as(r.id() + ": " + r.detail()).isEqualTo(CheckStatus.PASS));
        assertThat(caBundleResult(report).detail())
                .isEqualTo("2 caBundles verify the serving certificate in Secret"
                        + " meshless-system/meshless-injector-webhook-tls");
    }

    @Test
    void servingCertificateWithoutTheServiceNameFails() throws Exception {
        install(serving("meshless-injector.elsewhere.svc", Duration.ofDays(30)), true);

        CheckReport report = cluster.check(T0.plusSeconds(3600));

        assertThat(caBundleResult(report).status()).isEqualTo(CheckStatus.FAIL);
        assertThat(caBundleResult(report).detail())
                .isEqualTo("the serving certificate in Secret meshless-system/meshless-injector-webhook-tls does not"
                        + " name " + HOST + " (the API server calls that host name)");
        assertThat(report.exitCode()).isEqualTo(1);
    }

    @Test
    void expiredServingCertificateFails() throws Exception {
        install(serving(HOST, Duration.ofDays(1)), true);

        CheckReport report = cluster.check(T0.plus(Duration.ofDays(2)));

        assertThat(caBundleResult(report).status()).isEqualTo(CheckStatus.FAIL);
        assertThat(caBundleResult(report).detail()).contains(": CN=" + HOST + " expired 24h ago");
    }

    @Test
    void caBundleOfAnotherCaFails() throws Exception {
        CertificateAuthority other =
                CertificateAuthority.createRoot("Other CA", Duration.ofDays(90), KeyType.EC_P256, AT_T0);
        install(
                other.issue(LeafSpec.builder()
                        .dnsName(HOST)
                        .lifetime(Duration.ofDays(30))
                        .notBefore(T0)
                        .build()),
                true);

        CheckReport report = cluster.check(T0.plusSeconds(3600));

        assertThat(caBundleResult(report).status()).isEqualTo(CheckStatus.FAIL);
        assertThat(caBundleResult(report).detail())
                .contains("does not verify against the CA certificates [CN=Webhook CA]")
                .contains("issued by CN=Other CA");
        assertThat(caBundleResult(report).fix()).contains("webhook.certificate.secret.caBundle");
    }

    @Test
    void missingServingSecretFails() throws Exception {
        install(serving(HOST, Duration.ofDays(30)), false);

        CheckReport report = cluster.check(T0.plusSeconds(3600));

        assertThat(caBundleResult(report).status()).isEqualTo(CheckStatus.FAIL);
        assertThat(caBundleResult(report).detail())
                .isEqualTo("Secret meshless-system/meshless-injector-webhook-tls, which the injector mounts as its"
                        + " serving certificate, not found");
    }
}
