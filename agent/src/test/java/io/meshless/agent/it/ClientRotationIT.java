package io.meshless.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.agent.it.support.CertificateSwap;
import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.it.support.Nginx;
import io.meshless.agent.it.support.NginxReport;
import io.meshless.pki.SpiffeId;
import io.meshless.testing.Await;
import io.meshless.testing.PemFiles;
import io.meshless.testing.TestPki;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kubelet-style rotation ({@code ..data} swap) while an unmodified client keeps sending requests:
 * no request fails and nginx sees the new certificate without a restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientRotationIT {

    private static final SpiffeId CLIENT = TestPki.id("shop", "checkout");
    private static final Duration PICK_UP_BOUND = Duration.ofSeconds(20);
    /** Requests follow each other closely: one failing while the certificate is swapped is what is looked for. */
    private static final Duration BETWEEN_REQUESTS = Duration.ofMillis(1);

    @TempDir
    static Path work;

    private TestPki pki;
    private Nginx nginx;

    @BeforeAll
    void startNginx() {
        pki = TestPki.create();
        Path ca = PemFiles.writeBundle(work, "mesh-ca", pki.bundle());
        PemFiles server = PemFiles.write(work, "nginx", pki.leaf(TestPki.id("shop", "nginx")));
        nginx = Nginx.start(work, server.cert(), server.key(), ca);
    }

    @AfterAll
    void stopNginx() {
        nginx.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.meshless.agent.it.support.Jdk#both")
    void clientPresentsRotatedCertificateWithoutFailedRequests(Jdk jdk) {
        CertificateSwap swap = CertificateSwap.ofClient(pki, work.resolve("certs-" + jdk), CLIENT);
        BigInteger firstSerial = swap.firstSerial();
        BigInteger secondSerial = swap.secondSerial();
        List<String> failures = new ArrayList<>();
        try (ChildJvm client = ClientProgram.JDK_HTTP_CLIENT.start(jdk, "cert-dir=" + swap.directory())) {
            for (int i = 0; i < 3; i++) {
                assertThat(serialSeen(client, failures))
                        .as("before rotation\n%s", client.output())
                        .isEqualTo(firstSerial);
            }

            swap.publish();

            AtomicInteger requests = new AtomicInteger();
            Await.atMost(PICK_UP_BOUND)
                    .every(BETWEEN_REQUESTS)
                    .describedBy(() -> requests + " requests, failed: " + failures + "\n" + client.stderr())
                    .until("nginx sees the rotated client certificate", () -> {
                        requests.incrementAndGet();
                        return secondSerial.equals(serialSeen(client, failures));
                    });
            for (int i = 0; i < 3; i++) {
                assertThat(serialSeen(client, failures))
                        .as("after the swap, never the old certificate again")
                        .isEqualTo(secondSerial);
            }
            assertThat(failures).as("failed requests during rotation").isEmpty();
        }
    }

    private BigInteger serialSeen(ChildJvm client, List<String> failures) {
        String result = client.request(nginx.url());
        if (!result.startsWith("OK 200")) {
            failures.add(result);
            return null;
        }
        NginxReport report = NginxReport.parse(result);
        if (!report.verify().equals("SUCCESS")) {
            failures.add(report.toString());
        }
        return report.serial().orElse(null);
    }
}
