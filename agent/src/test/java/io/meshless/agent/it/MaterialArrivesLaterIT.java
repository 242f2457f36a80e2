package io.meshless.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.agent.bootstrap.AgentBootstrap;
import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Curl;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.it.support.Nginx;
import io.meshless.agent.it.support.NginxReport;
import io.meshless.pki.SpiffeId;
import io.meshless.testing.Await;
import io.meshless.testing.PemFiles;
import io.meshless.testing.SecretVolume;
import io.meshless.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A pod whose Secret is mounted after the JVM started (the injector admitted it before the
 * certificate existed): until then every handshake fails closed, the JVM keeps running, and the
 * material is used as soon as kubelet publishes it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MaterialArrivesLaterIT {

    private static final SpiffeId CLIENT = TestPki.id("shop", "checkout");
    private static final SpiffeId SERVER = TestPki.id("shop", "orders");
    private static final Duration PICK_UP_BOUND = Duration.ofSeconds(20);

    @TempDir
    static Path work;

    private TestPki pki;
    private Nginx nginx;
    private Path caFile;
    private PemFiles curlClient;

    @BeforeAll
    void startNginx() {
        pki = TestPki.create();
        caFile = PemFiles.writeBundle(work, "mesh-ca", pki.bundle());
        PemFiles server = PemFiles.write(work, "nginx", pki.leaf(TestPki.id("shop", "nginx")));
        nginx = Nginx.start(work, server.cert(), server.key(), caFile);
        curlClient = PemFiles.write(work, "curl-client", pki.spiffeIdOnly(CLIENT));
    }

    @AfterAll
    void stopNginx() {
        nginx.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.meshless.agent.it.support.Jdk#both")
    void clientFailsClosedUntilCertificateAppears(Jdk jdk) throws Exception {
        Path dir = Files.createDirectories(work.resolve("client-" + jdk));
        try (ChildJvm client = ClientProgram.JDK_HTTP_CLIENT.start(jdk, "cert-dir=" + dir)) {
            assertThat(client.request(nginx.url()))
                    .as("without material: no request without a client certificate\n%s", client.output())
                    .startsWith("FAIL");
            // the refusal must come from the agent failing closed, not from an agent that never installed
            assertThat(client.stderr()).contains("[meshless]").doesNotContain(AgentBootstrap.NOT_INSTALLED);

            SecretVolume.at(dir).publish(TestPki.secretFiles(pki.spiffeIdOnly(CLIENT), pki.bundle(), null));

            AtomicReference<String> last = new AtomicReference<>();
            String result = Await.atMost(PICK_UP_BOUND)
                    .describedBy(() -> "last: " + last + "\n" + client.stderr())
                    .untilPresent("a request that succeeds after the Secret appeared", () -> {
                        last.set(client.request(nginx.url()));
                        return last.get().startsWith("OK") ? last.get() : null;
                    });
            assertThat(result).startsWith("OK 200");
            assertThat(NginxReport.parse(result).verify()).isEqualTo("SUCCESS");
            assertThat(NginxReport.parse(result).clientSpiffeId()).contains(CLIENT);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.meshless.agent.it.support.Jdk#both")
    void strictServerFailsClosedUntilCertificateAppears(Jdk jdk) throws Exception {
        Path dir = Files.createDirectories(work.resolve("server-" + jdk));
        try (ChildJvm server = ServerProgram.HTTPS_SERVER.start(jdk, "cert-dir=" + dir + ",mode=strict")) {
            String url = "https://127.0.0.1:" + server.awaitListening() + "/";
            Curl.Result before = Curl.get(url, caFile, curlClient.cert(), curlClient.key());
            assertThat(before.succeeded()).as("without material: %s", before).isFalse();
            assertThat(server.isAlive())
                    .as("the JVM keeps running without material")
                    .isTrue();
            assertThat(server.stderr()).contains("[meshless]").doesNotContain(AgentBootstrap.NOT_INSTALLED);

            SecretVolume.at(dir).publish(TestPki.secretFiles(pki.leaf(SERVER), pki.bundle(), null));

            AtomicReference<Curl.Result> last = new AtomicReference<>();
            Curl.Result after = Await.atMost(PICK_UP_BOUND)
                    .describedBy(() -> "last: " + last + "\n" + server.stderr())
                    .untilPresent("a curl request that succeeds after the Secret appeared", () -> {
                        last.set(Curl.get(url, caFile, curlClient.cert(), curlClient.key()));
                        return last.get().succeeded() ? last.get() : null;
                    });
            assertThat(after.body()).contains("peer=" + CLIENT);
            assertThat(Curl.getWithoutClientCertificate(url, caFile).succeeded())
                    .as("strict once serving")
                    .isFalse();
        }
    }
}
