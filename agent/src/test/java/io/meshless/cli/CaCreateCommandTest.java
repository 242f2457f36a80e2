package io.meshless.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.pki.CertificateReader;
import io.meshless.pki.KeyType;
import io.meshless.pki.PkiException;
import io.meshless.pki.PrivateKeyReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaCreateCommandTest {

    @TempDir
    Path tmp;

    @Test
    void createsRootCaWithOwnerOnlyKey() throws Exception {
        Path dir = tmp.resolve("ca");

        Cli cli = Cli.run("ca", "create", "--out", dir.toString(), "--name", "Shop Mesh CA")
                .succeeded();

        List<X509Certificate> certs = CertificateReader.read(dir.resolve("ca.crt"));
        assertThat(certs).hasSize(1);
        X509Certificate ca = certs.get(0);
        assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("CN=Shop Mesh CA");
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(KeyType.describe(ca.getPublicKey())).isEqualTo("EC P-256");
        assertThat(CaDirectory.keyMatches(PrivateKeyReader.read(dir.resolve("ca.key"), null), ca))
                .isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))))
                .isEqualTo("rw-------");
        assertThat(cli.out)
                .contains("Created root CA \"Shop Mesh CA\"")
                .contains(ca.getSerialNumber().toString(16));
        assertThat(cli.out).doesNotContain("PRIVATE KEY");
    }

    @Test
    void honoursKeyTypeAndDays() throws PkiException {
        Path dir = tmp.resolve("rsa");
        Cli.run("ca", "create", "--out", dir.toString(), "--key-type", "rsa-2048", "--days", "30")
                .succeeded();

        X509Certificate ca = CertificateReader.read(dir.resolve("ca.crt")).get(0);
        assertThat(KeyType.describe(ca.getPublicKey())).isEqualTo("RSA 2048");
        long days = (ca.getNotAfter().getTime() - ca.getNotBefore().getTime()) / 86_400_000L;
        assertThat(days).isEqualTo(30);
    }

    @Test
    void refusesToOverwriteAnExistingKeyWithoutForce() throws IOException {
        Path dir = tmp.resolve("ca");
        Cli.run("ca", "create", "--out", dir.toString()).succeeded();
        byte[] key = Files.readAllBytes(dir.resolve("ca.key"));

        Cli.run("ca", "create", "--out", dir.toString())
                .failedWith(dir.resolve("ca.key") + ": already exists", "--force");
        assertThat(Files.readAllBytes(dir.resolve("ca.key"))).isEqualTo(key);

        Cli.run("ca", "create", "--out", dir.toString(), "--force").succeeded();
        assertThat(Files.readAllBytes(dir.resolve("ca.key"))).isNotEqualTo(key);
    }

    @Test
    void createsIntermediateSignedByTheGivenCa() throws PkiException {
        Path root = tmp.resolve("root");
        Path intermediate = tmp.resolve("intermediate");
        Cli.run("ca", "create", "--out", root.toString(), "--name", "Root").succeeded();

        Cli.run(
                        "ca",
                        "create",
                        "--intermediate",
                        "--ca",
                        root.toString(),
                        "--out",
                        intermediate.toString(),
                        "--name",
                        "Issuing")
                .succeeded();

        List<X509Certificate> chain = CertificateReader.read(intermediate.resolve("ca.crt"));
        assertThat(chain)
                .extracting(c -> c.getSubjectX500Principal().getName())
                .containsExactly("CN=Issuing", "CN=Root");
        assertThat(chain.get(0).getIssuerX500Principal().getName()).isEqualTo("CN=Root");
    }

    @Test
    void writesJsonForScripts() {
        Path dir = tmp.resolve("ca");
        Cli cli = Cli.run("ca", "create", "--out", dir.toString(), "--json").succeeded();

        assertThat(cli.out.trim())
                .startsWith("{\"certificate\":\"" + dir.resolve("ca.crt") + "\"")
                .contains("\"intermediate\":false")
                .contains("\"keyType\":\"EC P-256\"")
                .endsWith("}");
    }

    @Test
    void badArgumentsAreUsageErrors() {
        Cli.run("ca", "create").badUsage("missing --out DIR");
        Cli.run("ca", "create", "--out", tmp.toString(), "--key-type", "dsa")
                .badUsage("--key-type", "unknown key type 'dsa'");
        Cli.run("ca", "create", "--out", tmp.toString(), "--days", "0").badUsage("--days 0 is out of range");
        Cli.run("ca", "create", "--out", tmp.toString(), "--intermediate").badUsage("--intermediate needs --ca DIR");
        Cli.run("ca", "create", "--out", tmp.toString(), "--ca", tmp.toString())
                .badUsage("--ca is only used with --intermediate");
    }

    @Test
    void intermediateFromMissingCaDirectoryFails() {
        Path missing = tmp.resolve("nope");
        Cli.run(
                        "ca",
                        "create",
                        "--intermediate",
                        "--ca",
                        missing.toString(),
                        "--out",
                        tmp.resolve("i").toString())
                .failedWith(missing + ": no such directory");
    }
}
