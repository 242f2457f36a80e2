package io.meshless.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.agent.it.support.CertificateSwap;
import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Curl;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.it.support.ResumptionAcrossSwap;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.SpiffeId;
import io.meshless.pki.reload.WatchedCertDirectory;
import io.meshless.testing.Await;
import io.meshless.testing.PemFiles;
import io.meshless.testing.SecretVolume;
import io.meshless.testing.TestPki;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kubelet-style rotation ({@code ..data} swap) of a server's certificate while the real curl keeps
 * calling it: no request fails and curl sees the new server certificate without a restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerRotationIT {

    private static final SpiffeId CLIENT = TestPki.id("shop", "checkout");
    private static final Duration PICK_UP_BOUND = Duration.ofSeconds(20);
    /** Requests follow each other closely: one failing while the certificate is swapped is what is looked for. */
    private static final Duration BETWEEN_REQUESTS = Duration.ofMillis(1);

    @TempDir
    static Path work;

    private TestPki pki;

    @BeforeAll
    void createPki() {
        pki = TestPki.create();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.meshless.agent.it.support.Jdk#both")
    void serverPresentsRotatedCertificateWithoutFailedRequests(Jdk jdk) {
        CertificateSwap swap =
                CertificateSwap.ofServer(pki, work.resolve("server-certs-" + jdk), TestPki.id("shop", "orders"));
        BigInteger secondSerial = swap.secondSerial();
        Path ca = PemFiles.writeBundle(work, "ca-" + jdk, pki.bundle());
        PemFiles client = PemFiles.write(work, "curl-client-" + jdk, pki.spiffeIdOnly(CLIENT));
        List<String> failures = new ArrayList<>();
        try (ChildJvm server = ServerProgram.HTTPS_SERVER.start(jdk, "cert-dir=" + swap.directory() + ",mode=strict")) {
            String url = "https://127.0.0.1:" + server.awaitListening() + "/";
            assertThat(serverSerial(url, ca, client, failures))
                    .as("before rotation\n%s", server.stderr())
                    .isEqualTo(swap.firstSerial());

            swap.publish();

            AtomicInteger requests = new AtomicInteger();
            Await.atMost(PICK_UP_BOUND)
                    .every(BETWEEN_REQUESTS)
                    .describedBy(() -> requests + " requests, failed: " + failures + "\n" + server.stderr())
                    .until("curl sees the rotated server certificate", () -> {
                        requests.incrementAndGet();
                        return secondSerial.equals(serverSerial(url, ca, client, failures));
                    });
            assertThat(failures).as("failed requests during rotation").isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.meshless.agent.it.support.Jdk#both")
    void keepsServingLastGoodCertificateWhenRotationBringsBrokenSet(Jdk jdk) {
        SpiffeId serverId = TestPki.id("shop", "orders");
        HeldCertificate good = pki.leaf(serverId);
        HeldCertificate next = pki.leaf(serverId);
        BigInteger goodSerial = good.certificate().getSerialNumber();
        SecretVolume volume = TestPki.volume(work.resolve("broken-" + jdk), good, pki.bundle(), null);
        Path ca = PemFiles.writeBundle(work, "ca-broken-" + jdk, pki.bundle());
        PemFiles client = PemFiles.write(work, "curl-client-broken-" + jdk, pki.spiffeIdOnly(CLIENT));
        List<String> failures = new ArrayList<>();
        try (ChildJvm server =
                ServerProgram.HTTPS_SERVER.start(jdk, "cert-dir=" + volume.directory() + ",mode=strict")) {
            String url = "https://127.0.0.1:" + server.awaitListening() + "/";
            assertThat(serverSerial(url, ca, client, failures)).isEqualTo(goodSerial);

            // a new certificate next to the key of the old one: refused as a whole
            Map<String, byte[]> broken = TestPki.secretFiles(next, pki.bundle(), null);
            broken.put("tls.key", good.privateKeyPem().getBytes(StandardCharsets.US_ASCII));
            volume.publish(broken);
            server.awaitStderrLine(
                    Pattern.compile(".*" + Pattern.quote(WatchedCertDirectory.REFUSED_SET) + ".*"), PICK_UP_BOUND);

            for (int i = 0; i < 3; i++) {
                assertThat(serverSerial(url, ca, client, failures))
                        .as("last good certificate keeps serving")
                        .isEqualTo(goodSerial);
            }
            assertThat(failures).as("failed requests after a broken rotation").isEmpty();
            assertThat(server.isAlive()).isTrue();
        }
    }

    /**
     * A client that saved its session before the rotation offers it again afterwards (openssl
     * {@code -sess_in}): the server must not resume it, or the client would go on holding the
     * replaced certificate as the server's identity. A full handshake shows the new one.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jdksAndProtocols")
    void refusesToResumeSessionsMadeWithTheReplacedCertificate(Jdk jdk, String protocol) {
        String name = "resume-" + jdk + "-" + protocol;
        CertificateSwap swap = CertificateSwap.ofServer(pki, work.resolve(name), TestPki.id("shop", "orders"));
        Path ca = PemFiles.writeBundle(work, "ca-" + name, pki.bundle());
        PemFiles client = PemFiles.write(work, "client-" + name, pki.spiffeIdOnly(CLIENT));
        try (ChildJvm server = ServerProgram.HTTPS_SERVER.start(jdk, "cert-dir=" + swap.directory() + ",mode=strict")) {
            ResumptionAcrossSwap.assertFullHandshakeAfterSwap(
                    server, server.awaitListening(), protocol, null, ca, client, work.resolve(name), swap);
        }
    }

    static Stream<Arguments> jdksAndProtocols() {
        return Jdk.both().stream().flatMap(jdk -> Stream.of(Arguments.of(jdk, "tls1_2"), Arguments.of(jdk, "tls1_3")));
    }

    private static BigInteger serverSerial(String url, Path ca, PemFiles client, List<String> failures) {
        Curl.Result result = Curl.getReportingServerCertificate(url, ca, client.cert(), client.key());
        if (!result.succeeded() || !result.body().startsWith("status=200")) {
            failures.add(result.toString());
            return null;
        }
        return result.serverSerial().orElse(null);
    }
}
