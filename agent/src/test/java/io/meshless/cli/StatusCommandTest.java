package io.meshless.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.pki.HeldCertificate;
import io.meshless.testing.SecretVolume;
import io.meshless.testing.TestPki;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusCommandTest {

    private static final TestPki MESH = TestPki.create();

    @TempDir
    Path tmp;

    @Test
    void showsEachKeyWithItsSourceAndTheLoadedIdentity() {
        SecretVolume volume = SecretVolume.at(tmp.resolve("certs"));
        HeldCertificate orders = MESH.workload("shop", "orders");
        MESH.publish(volume, orders);

        Cli cli = Cli.run(
                        Clock.systemUTC(),
                        Map.of("meshless.mode", "permissive"),
                        Map.of("MESHLESS_CERT_DIR", volume.directory().toString()),
                        "status")
                .succeeded();

        assertThat(cli.out)
                .containsPattern(
                        "cert-dir: +" + Pattern.quote(volume.directory() + "  [environment MESHLESS_CERT_DIR]"))
                .containsPattern("mode: +permissive  \\[system property meshless.mode]")
                .containsPattern("trust-system-cas: +true  \\[default]")
                .contains("kubelet volume, ..data -> ..")
                .containsPattern("identity: +spiffe://cluster.local/ns/shop/sa/orders")
                .containsPattern(
                        "serial: +" + orders.certificate().getSerialNumber().toString(16))
                .contains("every ID in trust domain cluster.local (default)")
                .contains("ask for a client certificate");
    }

    @Test
    void agentArgumentWinsOverSystemPropertyAndEnvironment() {
        Path dir = MESH.writeCertDir(tmp.resolve("certs"), MESH.workload("shop", "orders"));

        Cli cli = Cli.run(
                        Clock.systemUTC(),
                        Map.of("meshless.cert-dir", "/nowhere"),
                        Map.of("MESHLESS_MODE", "permissive"),
                        "status",
                        "--agent-args",
                        "cert-dir=" + dir + ",allowed-peers=spiffe://cluster.local/ns/shop/*")
                .succeeded();

        assertThat(cli.out)
                .containsPattern("cert-dir: +" + Pattern.quote(dir + "  [agent argument]"))
                .containsPattern("mode: +permissive  \\[environment MESHLESS_MODE]")
                .containsPattern("allowed peers: +spiffe://cluster.local/ns/shop/\\*");
    }

    @Test
    void missingMaterialFailsSayingWhatTheAgentWouldDo() {
        Path missing = tmp.resolve("none");

        Cli cli = Cli.runWithEnvironment(Map.of("MESHLESS_CERT_DIR", missing.toString()), "status")
                .failedWith("the agent would have no usable certificate", missing.toString());

        assertThat(cli.out).contains("fail TLS handshakes closed");
    }

    @Test
    void expiredMaterialFails() {
        Path dir = MESH.writeCertDir(tmp.resolve("certs"), MESH.expiredLeaf(MESH.spiffeId("shop", "orders")));

        Cli.runWithEnvironment(Map.of("MESHLESS_CERT_DIR", dir.toString()), "status")
                .failedWith("expired");
    }

    @Test
    void invalidConfigurationFailsNamingKeyAndSource() {
        Cli.runWithEnvironment(Map.of("MESHLESS_MODE", "sometimes"), "status")
                .failedWith("configuration:", "mode", "MESHLESS_MODE");
    }

    @Test
    void modeOffLoadsNothing() {
        Cli cli = Cli.runWithEnvironment(Map.of("MESHLESS_MODE", "off", "MESHLESS_CERT_DIR", "/nowhere"), "status")
                .succeeded();

        assertThat(cli.out).contains("mode is off: the agent would install nothing");
    }

    @Test
    void jsonForScripts() {
        Path dir = MESH.writeCertDir(tmp.resolve("certs"), MESH.workload("shop", "orders"));

        Cli cli = Cli.runWithEnvironment(Map.of("MESHLESS_CERT_DIR", dir.toString()), "status", "--json")
                .succeeded();

        assertThat(cli.out.trim())
                .startsWith("{\"settings\":{\"cert-dir\":{\"value\":\"" + dir
                        + "\",\"source\":\"environment MESHLESS_CERT_DIR\"}")
                .contains("\"ok\":true")
                .contains("\"identity\":\"spiffe://cluster.local/ns/shop/sa/orders\"");
    }
}
