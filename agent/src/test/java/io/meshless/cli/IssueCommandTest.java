package io.meshless.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.pki.CertDirectory;
import io.meshless.pki.CertificateReader;
import io.meshless.pki.KeyType;
import io.meshless.pki.SpiffeId;
import io.meshless.pki.WorkloadCredentials;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IssueCommandTest {

    @TempDir
    Path tmp;

    Path ca;

    @BeforeEach
    void createCa() {
        ca = tmp.resolve("ca");
        Cli.run("ca", "create", "--out", ca.toString(), "--name", "Test Mesh CA")
                .succeeded();
    }

    /** {@code meshless issue --ca ca --spiffe-id spiffeId --out out}, then {@code more}. */
    private static Cli issue(Path ca, String spiffeId, Path out, String... more) {
        List<String> args = new ArrayList<>(
                List.of("issue", "--ca", ca.toString(), "--spiffe-id", spiffeId, "--out", out.toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(new String[0]));
    }

    @Test
    void issuesSecretLayoutTheAgentLoads() throws Exception {
        Path out = tmp.resolve("orders");

        Cli cli = Cli.run(
                        "issue",
                        "--ca",
                        ca.toString(),
                        "--spiffe-id",
                        "spiffe://cluster.local/ns/shop/sa/orders",
                        "--dns",
                        "orders.shop.svc",
                        "--ip",
                        "127.0.0.1",
                        "--out",
                        out.toString())
                .succeeded();

        WorkloadCredentials loaded = CertDirectory.load(out, Clock.systemUTC());
        X509Certificate leaf = loaded.identity().certificate();
        assertThat(loaded.spiffeId()).contains(SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/orders"));
        assertThat(KeyType.describe(leaf.getPublicKey())).isEqualTo("EC P-256");
        assertThat(Duration.between(
                        leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()))
                .isEqualTo(Duration.ofHours(24));
        assertThat(leaf.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(new CertificateFacts(leaf, Clock.systemUTC().instant()).dnsNames())
                .containsExactly("orders.shop.svc");
        assertThat(new CertificateFacts(leaf, Clock.systemUTC().instant()).ipAddresses())
                .containsExactly("127.0.0.1");
        assertThat(cli.out)
                .contains("Issued spiffe://cluster.local/ns/shop/sa/orders")
                .contains(loaded.serialHex());
        assertThat(cli.out).doesNotContain("PRIVATE KEY");
    }

    @Test
    void buildsTheIdFromNamespaceAndServiceAccount() throws Exception {
        Path out = tmp.resolve("checkout");
        Cli.run(
                        "issue",
                        "--ca",
                        ca.toString(),
                        "--namespace",
                        "shop",
                        "--service-account",
                        "checkout",
                        "--trust-domain",
                        "prod.example",
                        "--key-type",
                        "rsa-2048",
                        "--hours",
                        "2",
                        "--out",
                        out.toString())
                .succeeded();

        WorkloadCredentials loaded = CertDirectory.load(out, Clock.systemUTC());
        assertThat(loaded.spiffeId()).contains(SpiffeId.parse("spiffe://prod.example/ns/shop/sa/checkout"));
        assertThat(KeyType.describe(loaded.identity().certificate().getPublicKey()))
                .isEqualTo("RSA 2048");
    }

    @Test
    void leafFromIntermediateCarriesTheIntermediateAndTrustsTheRoot() throws Exception {
        Path intermediate = tmp.resolve("intermediate");
        Cli.run("ca", "create", "--intermediate", "--ca", ca.toString(), "--out", intermediate.toString())
                .succeeded();
        Path out = tmp.resolve("leaf");

        issue(intermediate, "spiffe://cluster.local/ns/a/sa/b", out).succeeded();

        WorkloadCredentials loaded = CertDirectory.load(out, Clock.systemUTC());
        assertThat(loaded.identity().chain()).hasSize(2);
        assertThat(loaded.trustBundle().certificates())
                .extracting(c -> c.getSubjectX500Principal().getName())
                .containsExactly("CN=Test Mesh CA");
    }

    @Test
    void kubeletModeSwapsDataLinkAndRemovesTheOldGeneration() throws Exception {
        Path out = tmp.resolve("volume");
        String[] issue = {
            "issue",
            "--ca",
            ca.toString(),
            "--spiffe-id",
            "spiffe://cluster.local/ns/shop/sa/orders",
            "--out",
            out.toString(),
            "--kubelet"
        };
        Cli.run(issue).succeeded();
        Path first = out.resolve(Files.readSymbolicLink(out.resolve("..data")));
        String firstSerial = CertDirectory.load(out, Clock.systemUTC()).serialHex();

        Cli.run(issue).succeeded();

        Path second = out.resolve(Files.readSymbolicLink(out.resolve("..data")));
        assertThat(second).isNotEqualTo(first);
        assertThat(first).doesNotExist();
        assertThat(second.getFileName().toString()).matches("\\.\\.\\d{4}_\\d{2}_\\d{2}_\\d{2}_\\d{2}_\\d{2}\\.\\d{9}");
        assertThat(Files.readSymbolicLink(out.resolve("tls.crt"))).isEqualTo(Paths.get("..data", "tls.crt"));
        assertThat(out.resolve("..data_tmp")).doesNotExist();
        assertThat(CertDirectory.load(out, Clock.systemUTC()).serialHex()).isNotEqualTo(firstSerial);
    }

    @Test
    void kubeletModeRefusesADirectoryOfRegularFiles() {
        Path out = tmp.resolve("plain");
        issue(ca, "spiffe://cluster.local/ns/a/sa/b", out).succeeded();

        issue(ca, "spiffe://cluster.local/ns/a/sa/b", out, "--kubelet")
                .failedWith(out.resolve("tls.crt") + ": is a regular file");
    }

    @Test
    void plainModeRefusesAKubeletVolume() {
        Path out = tmp.resolve("volume");
        issue(ca, "spiffe://cluster.local/ns/a/sa/b", out, "--kubelet").succeeded();

        issue(ca, "spiffe://cluster.local/ns/a/sa/b", out).failedWith("kubelet-style volume", "--kubelet");
        assertThat(Files.isSymbolicLink(out.resolve("tls.crt"))).isTrue();
    }

    @Test
    void whatIssueWritesPassesOpensslVerifyAndShowsTheSpiffeUri() {
        Path out = tmp.resolve("orders");
        issue(ca, "spiffe://cluster.local/ns/shop/sa/orders", out).succeeded();

        Openssl verify = Openssl.run(out, "verify", "-CAfile", "ca.crt", "-purpose", "sslserver", "tls.crt")
                .succeeded();
        assertThat(verify.output).contains("tls.crt: OK");
        Openssl.run(out, "verify", "-CAfile", "ca.crt", "-purpose", "sslclient", "tls.crt")
                .succeeded();
        assertThat(Openssl.run(out, "x509", "-in", "tls.crt", "-noout", "-text").succeeded().output)
                .contains("URI:spiffe://cluster.local/ns/shop/sa/orders");
        // openssl reads the PKCS#8 key and agrees it belongs to the certificate.
        String certKey =
                Openssl.run(out, "x509", "-in", "tls.crt", "-noout", "-pubkey").succeeded().output;
        String keyKey = Openssl.run(out, "pkey", "-in", "tls.key", "-pubout").succeeded().output;
        assertThat(keyKey).isEqualTo(certKey);
    }

    @Test
    void opensslVerifyRefusesWhatIssueWritesAgainstAForeignCa() {
        Path foreign = tmp.resolve("foreign");
        Cli.run("ca", "create", "--out", foreign.toString(), "--name", "Foreign CA")
                .succeeded();
        Path out = tmp.resolve("orders");
        issue(ca, "spiffe://cluster.local/ns/shop/sa/orders", out).succeeded();

        Openssl verify =
                Openssl.run(out, "verify", "-CAfile", foreign.resolve("ca.crt").toString(), "tls.crt");
        assertThat(verify.code).isNotZero();
    }

    @Test
    void intermediateChainPassesOpensslVerify() {
        Path intermediate = tmp.resolve("intermediate");
        Cli.run("ca", "create", "--intermediate", "--ca", ca.toString(), "--out", intermediate.toString())
                .succeeded();
        Path out = tmp.resolve("leaf");
        issue(intermediate, "spiffe://cluster.local/ns/a/sa/b", out).succeeded();

        // tls.crt is leaf + intermediate: openssl takes the intermediate from -untrusted.
        Openssl.run(out, "verify", "-CAfile", "ca.crt", "-untrusted", "tls.crt", "tls.crt")
                .succeeded();
    }

    @Test
    void issuesFromAnOpensslMadeCaWithAnEncryptedRsaKey() throws Exception {
        Path opensslCa = Files.createDirectories(tmp.resolve("openssl-ca"));
        Openssl.run(opensslCa, "genrsa", "-aes256", "-passout", "pass:secret", "-out", "ca.key", "2048")
                .succeeded();
        Openssl.run(
                        opensslCa,
                        "req",
                        "-new",
                        "-x509",
                        "-key",
                        "ca.key",
                        "-passin",
                        "pass:secret",
                        "-days",
                        "30",
                        "-subj",
                        "/CN=Openssl CA",
                        "-out",
                        "ca.crt")
                .succeeded();
        Path out = tmp.resolve("leaf");

        Cli.run("issue", "--ca", opensslCa.toString(), "--spiffe-id", "spiffe://cluster.local/ns/a/sa/b")
                .badUsage("missing --out DIR");
        issue(opensslCa, "spiffe://cluster.local/ns/a/sa/b", out)
                .failedWith(opensslCa.resolve("ca.key").toString());
        Cli.run(
                        "issue",
                        "--ca",
                        opensslCa.toString(),
                        "--ca-password",
                        "secret",
                        "--spiffe-id",
                        "spiffe://cluster.local/ns/a/sa/b",
                        "--out",
                        out.toString())
                .succeeded();

        assertThat(CertificateReader.read(out.resolve("ca.crt"))
                        .get(0)
                        .getSubjectX500Principal()
                        .getName())
                .isEqualTo("CN=Openssl CA");
        Openssl.run(out, "verify", "-CAfile", "ca.crt", "tls.crt").succeeded();
    }

    @Test
    void badIdentityArgumentsAreUsageErrors() {
        String out = tmp.resolve("x").toString();
        Cli.run("issue", "--ca", ca.toString(), "--out", out).badUsage("missing identity");
        Cli.run("issue", "--ca", ca.toString(), "--out", out, "--spiffe-id", "http://cluster.local/ns/a/sa/b")
                .badUsage("--spiffe-id 'http://cluster.local/ns/a/sa/b'");
        Cli.run("issue", "--ca", ca.toString(), "--out", out, "--spiffe-id", "spiffe://td/x", "--namespace", "a")
                .badUsage("either --spiffe-id or --namespace/--service-account");
        Cli.run("issue", "--ca", ca.toString(), "--out", out, "--namespace", "a")
                .badUsage("--namespace needs --service-account");
        Cli.run("issue", "--ca", ca.toString(), "--out", out, "--spiffe-id", "spiffe://td/x", "--ip", "localhost")
                .badUsage("--ip 'localhost'");
        Cli.run("issue", "--ca", ca.toString(), "--out", out, "--spiffe-id", "spiffe://td/x", "--hours", "-3")
                .badUsage("--hours");
        Cli.run("issue", "--ca", ca.toString(), "--out", out, "--spiffe-id", "spiffe://td/x", "--pkcs12", "a.p12")
                .badUsage("--pkcs12 needs --password");
        assertThat(Files.exists(tmp.resolve("x"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void refusesControlCharactersInNamesThatGoIntoTheCertificate() {
        String out = tmp.resolve("x").toString();
        Cli.run("issue", "--ca", ca.toString(), "--out", out, "--spiffe-id", "spiffe://td/x", "--dns", "a\nb.example")
                .badUsage("--dns 'a\\nb.example' contains the control character U+000A");
        Cli.run("issue", "--ca", ca.toString(), "--out", out, "--spiffe-id", "spiffe://td/x\u001b[31m")
                .badUsage("--spiffe-id 'spiffe://td/x\\u001b[31m' contains the control character U+001B");
        Cli.run("issue", "--ca", ca.toString(), "--out", out, "--namespace", "shop\r", "--service-account", "a")
                .badUsage("--namespace 'shop\\r'");
        Cli.run("ca", "create", "--out", tmp.resolve("ca2").toString(), "--name", "Evil\nCA")
                .badUsage("--name 'Evil\\nCA' contains the control character U+000A");
        assertThat(Files.exists(tmp.resolve("x"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.exists(tmp.resolve("ca2"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void writesKeystoresReadableByTheOwnerOnly() throws Exception {
        Path p12 = tmp.resolve("keystores/orders.p12");
        Path jks = tmp.resolve("keystores/orders.jks");

        Cli.run(
                        "issue",
                        "--ca",
                        ca.toString(),
                        "--spiffe-id",
                        "spiffe://cluster.local/ns/shop/sa/orders",
                        "--out",
                        tmp.resolve("orders").toString(),
                        "--pkcs12",
                        p12.toString(),
                        "--jks",
                        jks.toString(),
                        "--password",
                        "changeit")
                .succeeded();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p12)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(jks)))
                .isEqualTo("rw-------");
    }

    @Test
    void missingOrBrokenCaFailsNamingTheFile() throws Exception {
        Path missing = tmp.resolve("missing");
        Cli.run(
                        "issue",
                        "--ca",
                        missing.toString(),
                        "--spiffe-id",
                        "spiffe://td/x",
                        "--out",
                        tmp.resolve("o").toString())
                .failedWith(missing + ": no such directory");

        Path broken = Files.createDirectories(tmp.resolve("broken"));
        Files.copy(ca.resolve("ca.crt"), broken.resolve("ca.crt"));
        Cli.run(
                        "issue",
                        "--ca",
                        broken.toString(),
                        "--spiffe-id",
                        "spiffe://td/x",
                        "--out",
                        tmp.resolve("o").toString())
                .failedWith(broken.resolve("ca.key").toString());

        Path other = tmp.resolve("other");
        Cli.run("ca", "create", "--out", other.toString()).succeeded();
        Files.copy(other.resolve("ca.key"), broken.resolve("ca.key"));
        Cli.run(
                        "issue",
                        "--ca",
                        broken.toString(),
                        "--spiffe-id",
                        "spiffe://td/x",
                        "--out",
                        tmp.resolve("o").toString())
                .failedWith(broken.resolve("ca.key") + ": this key does not belong to the CA certificate");
    }

    @Test
    void aLeafCannotActAsCa() {
        Path leaf = tmp.resolve("leaf");
        issue(ca, "spiffe://td/x", leaf).succeeded();
        Path fakeCa = tmp.resolve("fake-ca");
        Cli.run("ca", "create", "--out", fakeCa.toString()).succeeded();
        try {
            Files.copy(
                    leaf.resolve("tls.crt"),
                    fakeCa.resolve("ca.crt"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(
                    leaf.resolve("tls.key"),
                    fakeCa.resolve("ca.key"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }

        Cli.run(
                        "issue",
                        "--ca",
                        fakeCa.toString(),
                        "--spiffe-id",
                        "spiffe://td/y",
                        "--out",
                        tmp.resolve("o").toString())
                .failedWith("is not a CA certificate");
    }
}
