package io.meshless.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.agent.apps.NettyServerApp;
import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Curl;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.it.support.MountedFilesServerContract;
import io.meshless.agent.tls.MountedMaterialAdoption;
import io.meshless.pki.HeldCertificate;
import io.meshless.testing.PemFiles;
import io.meshless.testing.SecretVolume;
import io.meshless.testing.TestPki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Netty 4.1, JDK provider, {@code SslContextBuilder.forServer(tls.crt, tls.key).trustManager(ca.crt)}. */
class NettyMountedFilesIT extends MountedFilesServerContract {
    @Override
    protected ChildJvm start(Jdk jdk, String release, Mounted mounted, String agentArgs) {
        return ChildJvm.builder(jdk, NettyServerApp.class)
                .agent(agentArgs)
                .args(mounted.directory().toString())
                .start();
    }

    /**
     * The same server configured from files of its own (another CA, another key) keeps them: the agent
     * adopts nothing and says why at debug.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.meshless.agent.it.support.Jdk#both")
    void leavesAServerWithMaterialOfItsOwnAlone(Jdk jdk, @TempDir Path dir) {
        TestPki pki = TestPki.create();
        SecretVolume mesh =
                TestPki.volume(dir.resolve("mesh"), pki.leaf(TestPki.id("shop", "orders")), pki.bundle(), null);
        HeldCertificate own = pki.foreign().leaf(TestPki.id("shop", "orders"));
        SecretVolume ownFiles =
                TestPki.volume(dir.resolve("own"), own, pki.foreign().bundle(), null);
        Path ownCa = PemFiles.writeBundle(dir, "own-ca", pki.foreign().bundle());
        PemFiles ownClient = PemFiles.write(dir, "own-client", pki.foreign().leaf(TestPki.id("shop", "checkout")));
        try (ChildJvm server = ChildJvm.builder(jdk, NettyServerApp.class)
                .agent("cert-dir=" + mesh.directory() + ",mode=strict,log-level=debug")
                .args(ownFiles.directory().toString())
                .start()) {
            String url = "https://127.0.0.1:" + server.awaitListening() + "/";
            Curl.Result served = Curl.getReportingServerCertificate(url, ownCa, ownClient.cert(), ownClient.key());
            assertThat(served.serverSerial())
                    .as("the server presents its own certificate\n%s\n%s", served, server.output())
                    .contains(own.certificate().getSerialNumber());
            server.awaitStderrLine(
                    Pattern.compile(".*" + Pattern.quote(MountedMaterialAdoption.LEFT_ALONE) + ".*"),
                    Duration.ofSeconds(30));
            assertThat(server.stderr()).doesNotContain(MountedMaterialAdoption.ADOPTED);
        }
    }
}
