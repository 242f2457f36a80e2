package io.meshless.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.pki.HeldCertificate;
import io.meshless.pki.SpiffeId;
import io.meshless.pki.TrustBundle;
import io.meshless.testing.SecretVolume;
import io.meshless.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {

    private static final TestPki MESH = TestPki.builder().name("Mesh CA").build();
    private static final SpiffeId ORDERS = MESH.spiffeId("shop", "orders");

    @TempDir
    Path tmp;

    @Test
    void showsIdentitySerialValidityKeyChainAndBundleOfAGoodDirectory() {
        HeldCertificate orders = MESH.leaf(ORDERS);
        Path dir = MESH.writeCertDir(tmp.resolve("orders"), orders);

        Cli cli = Cli.run("inspect", dir.toString()).succeeded();

        assertThat(cli.out)
                .contains("identity:     spiffe://cluster.local/ns/shop/sa/orders")
                .contains("issuer:       CN=Mesh CA")
                .contains("serial:       "
                        + orders.certificate().getSerialNumber().toString(16))
                .contains("key type:     EC P-256")
                .containsPattern("valid: +\\S+ to \\S+ \\(23h 59m left\\)|valid: +\\S+ to \\S+ \\(1d 0h left\\)")
                .contains("private key:  matches the certificate")
                .contains("trust bundle: ca.crt: 1 certificate: CN=Mesh CA")
                .contains("check:        OK")
                .doesNotContain("PRIVATE KEY");
    }

    @Test
    void readsAPodCertificateCredentialBundle() throws Exception {
        HeldCertificate orders = MESH.leaf(ORDERS);
        Path dir = Files.createDirectories(tmp.resolve("pod-certificate"));
        Files.writeString(dir.resolve("credentialbundle.pem"), orders.privateKeyPem() + orders.chainPem());
        Files.writeString(dir.resolve("ca.crt"), MESH.bundle().toPem());

        Cli cli = Cli.run("inspect", dir.toString()).succeeded();

        assertThat(cli.out)
                .contains("identity:     spiffe://cluster.local/ns/shop/sa/orders")
                .contains("pod certificate bundle")
                .contains("private key:  matches the certificate")
                .contains("check:        OK")
                .doesNotContain("PRIVATE KEY");
    }

    @Test
    void podCertificateBundleWithTheChainFirstFailsNamingTheFile() throws Exception {
        HeldCertificate orders = MESH.leaf(ORDERS);
        Path dir = Files.createDirectories(tmp.resolve("pod-certificate-reversed"));
        Files.writeString(dir.resolve("credentialbundle.pem"), orders.chainPem() + orders.privateKeyPem());
        Files.writeString(dir.resolve("ca.crt"), MESH.bundle().toPem());

        Cli.run("inspect", dir.toString())
                .failedWith(dir.resolve("credentialbundle.pem").toString(), "first PEM block (line 1) is CERTIFICATE");
    }

    @Test
    void missingPathFails() {
        Path missing = tmp.resolve("nothing-here");
        Cli.run("inspect", missing.toString()).failedWith(missing + ": no such file or directory");
    }

    @Test
    void expiredCertificateFailsWithTheDates() {
        Path dir = MESH.writeCertDir(tmp.resolve("old"), MESH.expiredLeaf(ORDERS));

        Cli cli = Cli.run("inspect", dir.toString())
                .failedWith(dir.resolve("tls.crt").toString(), "expired");

        assertThat(cli.out).contains("expired 1h 0m ago").contains("check:        FAILED");
    }

    @Test
    void notYetValidCertificateFails() {
        Path dir = MESH.writeCertDir(tmp.resolve("early"), MESH.notYetValidLeaf(ORDERS));

        Cli.run("inspect", dir.toString()).failedWith(dir.resolve("tls.crt").toString(), "not yet valid");
    }

    @Test
    void certificateFromACaNoBundleHoldsPassesWithAWarning() {
        // ca.crt says whom this workload trusts, not who issued it (client and server CAs may differ).
        HeldCertificate other = MESH.foreign().leaf(ORDERS);
        Path dir = TestPki.writeCertDir(tmp.resolve("other"), other, MESH.bundle(), null);

        Cli cli = Cli.run("inspect", dir.toString()).succeeded();

        assertThat(cli.out)
                .contains("warning:      neither ca.crt nor client-ca.crt holds the CA that issued the own certificate")
                .contains("check:        OK");
    }

    @Test
    void mismatchedKeyFailsNamingTheKeyFile() throws Exception {
        Path dir = MESH.writeCertDir(tmp.resolve("mixed"), MESH.leaf(ORDERS));
        Files.write(dir.resolve("tls.key"), MESH.leaf(ORDERS).privateKeyPem().getBytes(StandardCharsets.US_ASCII));

        Cli cli = Cli.run("inspect", dir.toString())
                .failedWith(dir.resolve("tls.key").toString());

        assertThat(cli.out).contains("DOES NOT MATCH");
    }

    @Test
    void truncatedPemFailsNamingTheFile() throws Exception {
        Path dir = MESH.writeCertDir(tmp.resolve("truncated"), MESH.leaf(ORDERS));
        byte[] pem = Files.readAllBytes(dir.resolve("tls.crt"));
        Files.write(dir.resolve("tls.crt"), Arrays.copyOf(pem, pem.length / 2));

        Cli.run("inspect", dir.toString()).failedWith(dir.resolve("tls.crt").toString());
    }

    @Test
    void emptyCertificateFileFails() throws Exception {
        Path dir = MESH.writeCertDir(tmp.resolve("empty"), MESH.leaf(ORDERS));
        Files.write(dir.resolve("ca.crt"), new byte[0]);

        Cli.run("inspect", dir.toString()).failedWith(dir.resolve("ca.crt").toString());
    }

    @Test
    void halfRotatedDirectoryFails() {
        SecretVolume volume = SecretVolume.at(tmp.resolve("volume"));
        MESH.publish(volume, MESH.leaf(ORDERS));
        // A naive rotation rewrote tls.crt but not yet tls.key.
        volume.rewriteInPlace(Map.of("tls.crt", MESH.leaf(ORDERS).chainPem().getBytes(StandardCharsets.US_ASCII)));

        Cli.run("inspect", volume.directory().toString()).failedWith("tls.key");
    }

    @Test
    void unfinishedKubeletGenerationIsIgnored() {
        SecretVolume volume = SecretVolume.at(tmp.resolve("volume"));
        HeldCertificate current = MESH.leaf(ORDERS);
        MESH.publish(volume, current);
        volume.publishInterrupted(
                TestPki.secretFiles(MESH.leaf(ORDERS), MESH.bundle(), null), SecretVolume.Interruption.BEFORE_SWAP);

        Cli cli = Cli.run("inspect", volume.directory().toString()).succeeded();

        assertThat(cli.out)
                .contains("kubelet volume, ..data -> ..")
                .contains("serial:       "
                        + current.certificate().getSerialNumber().toString(16));
    }

    @Test
    void pemCertificateFileIsShownAndCheckedAgainstABundle() throws Exception {
        HeldCertificate orders = MESH.leaf(ORDERS);
        Path pem = Files.writeString(tmp.resolve("orders.pem"), orders.chainPem());
        Path bundle = Files.writeString(tmp.resolve("bundle.pem"), MESH.bundle().toPem());
        Path foreignBundle = Files.writeString(
                tmp.resolve("foreign.pem"), MESH.foreign().bundle().toPem());

        assertThat(Cli.run("inspect", pem.toString()).succeeded().out)
                .contains("spiffe://cluster.local/ns/shop/sa/orders")
                .contains("none given");
        assertThat(Cli.run("inspect", pem.toString(), "--bundle", bundle.toString())
                        .succeeded()
                        .out)
                .contains("check:        OK");
        Cli.run("inspect", pem.toString(), "--bundle", foreignBundle.toString())
                .failedWith(
                        pem + ": is not signed by any CA in the bundle",
                        "issued by CN=Mesh CA",
                        "the bundle holds CN=Foreign Test CA");
    }

    @Test
    void derCertificateFileIsRead() throws Exception {
        HeldCertificate orders = MESH.leaf(ORDERS);
        Path der = Files.write(tmp.resolve("orders.der"), orders.certificate().getEncoded());

        assertThat(Cli.run("inspect", der.toString()).succeeded().out)
                .contains("serial:       "
                        + orders.certificate().getSerialNumber().toString(16));
    }

    @Test
    void expiredCertificateFileFails() throws Exception {
        Path pem = Files.writeString(
                tmp.resolve("old.pem"), MESH.expiredLeaf(ORDERS).chainPem());

        Cli.run("inspect", pem.toString())
                .failedWith(pem + ": certificate #1 (spiffe://cluster.local/ns/shop/sa/orders) expired on");
    }

    @Test
    void keystoresWrittenByIssueAreInspectedWithTheirPassword() throws Exception {
        Path ca = tmp.resolve("ca");
        Cli.run("ca", "create", "--out", ca.toString()).succeeded();
        Path p12 = tmp.resolve("orders.p12");
        Path jks = tmp.resolve("orders.jks");
        Cli.run(
                        "issue",
                        "--ca",
                        ca.toString(),
                        "--spiffe-id",
                        ORDERS.toString(),
                        "--out",
                        tmp.resolve("o").toString(),
                        "--pkcs12",
                        p12.toString(),
                        "--jks",
                        jks.toString(),
                        "--password",
                        "changeit")
                .succeeded();

        for (Path store : new Path[] {p12, jks}) {
            assertThat(Cli.run("inspect", store.toString(), "--password", "changeit")
                            .succeeded()
                            .out)
                    .as(store.toString())
                    .contains("(keystore)")
                    .contains(ORDERS.toString())
                    .contains("matches the certificate")
                    .contains("check:        OK");
            Cli.run("inspect", store.toString(), "--password", "wrong").failedWith(store.toString());
        }
        // Real peers read them too.
        Openssl.run(tmp, "pkcs12", "-in", p12.toString(), "-passin", "pass:changeit", "-nokeys")
                .succeeded();
    }

    @Test
    void keystoreMadeByOpensslIsInspected() throws Exception {
        HeldCertificate orders = MESH.leaf(ORDERS);
        Files.writeString(tmp.resolve("tls.crt"), orders.chainPem());
        Files.writeString(tmp.resolve("tls.key"), orders.privateKeyPem());
        Openssl.run(
                        tmp,
                        "pkcs12",
                        "-export",
                        "-in",
                        "tls.crt",
                        "-inkey",
                        "tls.key",
                        "-passout",
                        "pass:pw",
                        "-out",
                        "made-by-openssl.p12")
                .succeeded();
        Path bundle = Files.writeString(tmp.resolve("bundle.pem"), MESH.bundle().toPem());

        assertThat(Cli.run(
                                "inspect",
                                tmp.resolve("made-by-openssl.p12").toString(),
                                "--password",
                                "pw",
                                "--bundle",
                                bundle.toString())
                        .succeeded()
                        .out)
                .contains(ORDERS.toString())
                .contains("check:        OK");
    }

    @Test
    void jsonReportsTheProblemForScripts() {
        Path dir = MESH.writeCertDir(tmp.resolve("old"), MESH.expiredLeaf(ORDERS));

        Cli cli = Cli.run("inspect", dir.toString(), "--json");

        assertThat(cli.code).isEqualTo(1);
        assertThat(cli.out.trim())
                .startsWith("{\"path\":")
                .contains("\"ok\":false")
                .contains("\"identity\":\"spiffe://cluster.local/ns/shop/sa/orders\"")
                .contains("expired")
                .endsWith("}");
    }

    @Test
    void keystoreOptionsOnADirectoryAreBadUsage() {
        Path dir = MESH.writeCertDir(tmp.resolve("orders"), MESH.leaf(ORDERS));
        Cli.run("inspect", dir.toString(), "--bundle", "x.pem")
                .badUsage("a directory is checked against its own ca.crt");
        Cli.run("inspect").badUsage("missing PATH");
        Cli.run("inspect", "a", "b").badUsage("too many arguments");
    }

    @Test
    void trustBundleOfAnotherCaIsShown() {
        TrustBundle both = MESH.bundle().merge(MESH.foreign().bundle());
        Path dir = TestPki.writeCertDir(tmp.resolve("rotating"), MESH.leaf(ORDERS), both, null);

        assertThat(Cli.run("inspect", dir.toString()).succeeded().out)
                .contains("ca.crt: 2 certificates: CN=Mesh CA; CN=Foreign Test CA");
    }

    @Test
    void escapesControlCharactersFoundInCertificates() throws Exception {
        io.meshless.pki.CertificateAuthority evil = io.meshless.pki.CertificateAuthority.createRoot(
                "Evil\u001b[2J\nCA",
                java.time.Duration.ofDays(1),
                io.meshless.pki.KeyType.EC_P256,
                java.time.Clock.systemUTC());
        Path file = tmp.resolve("evil.crt");
        Files.writeString(file, TrustBundle.of(evil.certificate()).toPem());

        Cli cli = Cli.run("inspect", file.toString());

        assertThat(cli.out).contains("Evil\\u001b[2J\\nCA").doesNotContain("\u001b");
        assertThat(cli.err).doesNotContain("\u001b");
    }

    @Test
    void refusesANamedPipeOrDeviceWithoutHanging() throws Exception {
        Path dir = MESH.writeCertDir(tmp.resolve("fifo"), MESH.leaf(ORDERS));
        Files.delete(dir.resolve("tls.crt"));
        assertThat(new ProcessBuilder("mkfifo", dir.resolve("tls.crt").toString())
                        .inheritIO()
                        .start()
                        .waitFor())
                .isZero();
        Path zero = tmp.resolve("zero.crt");
        Files.createSymbolicLink(zero, Path.of("/dev/zero"));

        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () -> {
            Cli.run("inspect", dir.toString())
                    .failedWith(dir.resolve("tls.crt") + ": is a named pipe (FIFO), not a regular file");
            Cli.run("inspect", dir.resolve("tls.crt").toString())
                    .failedWith("is a named pipe (FIFO), not a regular file");
            Cli.run("inspect", zero.toString()).failedWith(zero + ": is a character device", "/dev/zero");
        });
    }
}
