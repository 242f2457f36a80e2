package io.meshless.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.pki.CertificateReader;
import io.meshless.pki.HeldCertificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {

    private static final TestPki MESH =
            TestPki.builder().intermediate("Issuing CA").build();

    @TempDir
    Path tmp;

    @Test
    void writesTheChainAndTheKeyAsNamedFiles() throws Exception {
        HeldCertificate orders = MESH.workload("shop", "orders");

        PemFiles files = PemFiles.write(tmp.resolve("new-dir"), "orders", orders);

        assertThat(files.cert()).hasFileName("orders.crt");
        assertThat(files.key()).hasFileName("orders.key");
        assertThat(CertificateReader.read(files.cert())).containsExactlyElementsOf(orders.chain());
        assertThat(new String(Files.readAllBytes(files.key()), StandardCharsets.US_ASCII))
                .isEqualTo(orders.privateKeyPem());
    }

    @Test
    void writesABundle() throws Exception {
        Path file = PemFiles.writeBundle(tmp, "mesh-ca", MESH.bundle());

        assertThat(file).hasFileName("mesh-ca.crt");
        assertThat(CertificateReader.read(file))
                .containsExactlyElementsOf(MESH.bundle().certificates());
    }
}
