package io.meshless.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Curl;
import io.meshless.agent.it.support.Jdk;
import io.meshless.pki.CertDirectory;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.SpiffeId;
import io.meshless.testing.Await;
import io.meshless.testing.PemFiles;
import io.meshless.testing.SecretVolume;
import io.meshless.testing.TestPki;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A server under the real agent whose cert dir is what kubelet projects for a Kubernetes Pod
 * Certificate ({@code credentialbundle.pem}: key, then chain; {@code ca.crt} beside it): the real
 * curl sees its identity, and sees the refreshed one after kubelet's {@code ..data} swap.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodCertificateIT {

    private static final SpiffeId CLIENT = TestPki.id("shop", "checkout");

    @TempDir
    static Path work;

    private TestPki pki;

    @BeforeAll
    void createPki() {
        pki = TestPki.create();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.meshless.agent.it.support.Jdk#both")
    void servesThePodCertificateAndItsRefresh(Jdk jdk) {
        SpiffeId serverId = TestPki.id("shop", "orders");
        HeldCertificate first = pki.leaf(serverId);
        HeldCertificate refreshed = pki.leaf(serverId);
        SecretVolume volume = SecretVolume.at(work.resolve("pod-certificate-" + jdk));
        volume.publishText(podCertificate(first));
        Path ca = PemFiles.writeBundle(work, "ca-" + jdk, pki.bundle());
        PemFiles client = PemFiles.write(work, "client-" + jdk, pki.spiffeIdOnly(CLIENT));
        try (ChildJvm server =
                ServerProgram.HTTPS_SERVER.start(jdk, "cert-dir=" + volume.directory() + ",mode=strict")) {
            String url = "https://127.0.0.1:" + server.awaitListening() + "/";
            assertThat(serverSerial(url, ca, client))
                    .as("before the refresh\n%s", server.stderr())
                    .isEqualTo(first.certificate().getSerialNumber());

            volume.publishText(podCertificate(refreshed));

            BigInteger expected = refreshed.certificate().getSerialNumber();
            Await.atMost(Duration.ofSeconds(20))
                    .describedBy(server::stderr)
                    .until(
                            "curl sees the refreshed pod certificate",
                            () -> expected.equals(serverSerial(url, ca, client)));
        }
    }

    private Map<String, String> podCertificate(HeldCertificate identity) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(CertDirectory.CREDENTIAL_BUNDLE, identity.privateKeyPem() + identity.chainPem());
        files.put(CertDirectory.CA_CRT, pki.bundle().toPem());
        return files;
    }

    private static BigInteger serverSerial(String url, Path ca, PemFiles client) {
        Curl.Result result = Curl.getReportingServerCertificate(url, ca, client.cert(), client.key());
        assertThat(result.succeeded()).as("%s", result).isTrue();
        assertThat(result.body()).startsWith("status=200");
        return result.serverSerial().orElse(null);
    }
}
