package io.meshless.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Material made by the real openssl binary is read by pki, and what pki issues is accepted by
 * openssl. Runs the seed workflow once: an encrypted RSA CA key, a self-signed CA, an EC leaf key
 * with an EC PARAMETERS block, a CSR signed by the CA with a SPIFFE URI SAN.
 */
class OpenSslInteropTest {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final String WEB = "spiffe://cluster.local/ns/shop/sa/web";
    private static final char[] SECRET = "s3cret".toCharArray();

    @TempDir
    static Path work;

    @BeforeAll
    static void seedWorkflow() throws Exception {
        Tools.openssl(work, "genrsa", "-aes256", "-passout", "pass:s3cret", "-out", "ca.key", "2048");
        Tools.openssl(
                work,
                "req",
                "-new",
                "-x509",
                "-key",
                "ca.key",
                "-passin",
                "pass:s3cret",
                "-subj",
                "/CN=OpenSSL Test CA",
                "-days",
                "30",
                "-sha256",
                "-out",
                "ca.crt");
        Tools.openssl(work, "ecparam", "-name", "prime256v1", "-genkey", "-out", "leaf.key");
        Tools.openssl(work, "req", "-new", "-key", "leaf.key", "-subj", "/CN=web", "-out", "leaf.csr");
        Files.writeString(
                work.resolve("leaf.ext"),
                "subjectAltName=URI:" + WEB + ",DNS:web.shop.svc\n"
                        + "extendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature\nbasicConstraints=critical,CA:FALSE\n");
        Tools.signRequest(
                work, "leaf.csr", "ca", "leaf.crt", "-passin", "pass:s3cret", "-sha256", "-extfile", "leaf.ext");
    }

    private static Path file(String name) {
        return work.resolve(name);
    }

    // ---------------------------------------------------------------- openssl -> pki: keys

    @Test
    void readsGenrsaAes256CaKey() throws Exception {
        // OpenSSL 3 writes genrsa -aes256 as encrypted PKCS#8; OpenSSL 1.1 wrote the legacy form (next test).
        String pem = Files.readString(file("ca.key"));
        assertThat(pem).containsAnyOf("BEGIN ENCRYPTED PRIVATE KEY", "Proc-Type: 4,ENCRYPTED");
        PrivateKey key = PrivateKeyReader.read(file("ca.key"), SECRET);
        assertThat(key).isInstanceOf(RSAPrivateCrtKey.class);
        assertThat(((RSAPrivateCrtKey) key).getModulus())
                .isEqualTo(((java.security.interfaces.RSAPublicKey)
                                CertificateReader.read(file("ca.crt")).get(0).getPublicKey())
                        .getModulus());
    }

    @Test
    void readsLegacyOpenSslEncryptedRsaPem() throws Exception {
        Tools.openssl(
                work, "genrsa", "-aes256", "-traditional", "-passout", "pass:s3cret", "-out", "legacy-rsa.key", "2048");
        assertThat(Files.readString(file("legacy-rsa.key")))
                .contains("BEGIN RSA PRIVATE KEY")
                .contains("Proc-Type: 4,ENCRYPTED")
                .contains("DEK-Info: AES-256-CBC");
        assertThat(PrivateKeyReader.read(file("legacy-rsa.key"), SECRET)).isInstanceOf(RSAPrivateCrtKey.class);
        assertThatThrownBy(() -> PrivateKeyReader.read(file("legacy-rsa.key"), "wrong".toCharArray()))
                .isInstanceOf(PkiException.class)
                .hasMessage(
                        file("legacy-rsa.key") + " RSA PRIVATE KEY on line 1: cannot decrypt the key: wrong password, "
                                + "or the file is damaged");
        assertThatThrownBy(() -> PrivateKeyReader.read(file("legacy-rsa.key"), null))
                .hasMessage(file("legacy-rsa.key")
                        + " RSA PRIVATE KEY on line 1: key is encrypted (Proc-Type: 4,ENCRYPTED, "
                        + "DEK-Info: "
                        + Files.readString(file("legacy-rsa.key"))
                                .split("DEK-Info: ")[1]
                                .split("\n")[0]
                        + ") but no password was given");
    }

    @Test
    void readsLegacyOpenSslEncryptedEcPem() throws Exception {
        Tools.openssl(work, "ec", "-in", "leaf.key", "-aes256", "-passout", "pass:s3cret", "-out", "legacy-ec.key");
        assertThat(Files.readString(file("legacy-ec.key")))
                .contains("BEGIN EC PRIVATE KEY")
                .contains("Proc-Type: 4,ENCRYPTED");
        PrivateKey key = PrivateKeyReader.read(file("legacy-ec.key"), SECRET);
        assertThat(key.getEncoded())
                .isEqualTo(PrivateKeyReader.read(file("leaf.key"), null).getEncoded());
    }

    @Test
    void readsPkcs1RsaPrivateKey() throws Exception {
        Tools.openssl(work, "genrsa", "-traditional", "-out", "pkcs1.key", "2048");
        assertThat(Files.readString(file("pkcs1.key"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(PrivateKeyReader.read(file("pkcs1.key"), null)).isInstanceOf(RSAPrivateCrtKey.class);
    }

    @Test
    void readsSec1WithEcParametersBlock() throws Exception {
        String pem = Files.readString(file("leaf.key"));
        assertThat(pem).contains("BEGIN EC PARAMETERS").contains("BEGIN EC PRIVATE KEY");
        PrivateKey key = PrivateKeyReader.read(file("leaf.key"), null);
        assertThat(KeyType.describe(
                        CertificateReader.read(file("leaf.crt")).get(0).getPublicKey()))
                .isEqualTo("EC P-256");
        assertThat(((ECPrivateKey) key).getParams().getCurve().getField().getFieldSize())
                .isEqualTo(256);
    }

    @Test
    void readsP384Sec1WithoutParametersBlock() throws Exception {
        Tools.openssl(work, "ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", "p384.key");
        assertThat(Files.readString(file("p384.key")))
                .doesNotContain("EC PARAMETERS")
                .contains("BEGIN EC PRIVATE KEY");
        PrivateKey key = PrivateKeyReader.read(file("p384.key"), null);
        assertThat(((ECPrivateKey) key).getParams().getCurve().getField().getFieldSize())
                .isEqualTo(384);
    }

    @Test
    void readsEd25519Pkcs8FromGenpkey() throws Exception {
        Tools.openssl(work, "genpkey", "-algorithm", "ed25519", "-out", "ed.key");
        assertThat(Files.readString(file("ed.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
        PrivateKey key = PrivateKeyReader.read(file("ed.key"), null);
        assertThat(key.getAlgorithm()).isIn("EdDSA", "Ed25519");
    }

    @Test
    void readsEncryptedPkcs8Aes256Cbc() throws Exception {
        Tools.openssl(
                work,
                "pkcs8",
                "-topk8",
                "-v2",
                "aes-256-cbc",
                "-in",
                "leaf.key",
                "-passout",
                "pass:s3cret",
                "-out",
                "enc.key");
        assertThat(Files.readString(file("enc.key"))).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        // Same private scalar (openssl drops the redundant curve inside the SEC1 structure, so compare S).
        assertThat(((ECPrivateKey) PrivateKeyReader.read(file("enc.key"), SECRET)).getS())
                .isEqualTo(((ECPrivateKey) PrivateKeyReader.read(file("leaf.key"), null)).getS());
    }

    @Test
    void readsDerPkcs8AndDerPkcs1Keys() throws Exception {
        Tools.openssl(work, "pkey", "-in", "leaf.key", "-outform", "DER", "-out", "leaf-pkcs8.der");
        Tools.openssl(work, "genrsa", "-traditional", "-out", "der-src.key", "2048");
        Tools.openssl(work, "rsa", "-in", "der-src.key", "-traditional", "-outform", "DER", "-out", "pkcs1.der");
        Tools.openssl(work, "ec", "-in", "leaf.key", "-outform", "DER", "-out", "sec1.der");
        assertThat(PrivateKeyReader.read(file("leaf-pkcs8.der"), null).getAlgorithm())
                .isEqualTo("EC");
        assertThat(PrivateKeyReader.read(file("pkcs1.der"), null)).isInstanceOf(RSAPrivateCrtKey.class);
        assertThat(PrivateKeyReader.read(file("sec1.der"), null).getEncoded())
                .isEqualTo(PrivateKeyReader.read(file("leaf.key"), null).getEncoded());
    }

    // ---------------------------------------------------------------- openssl -> pki: certificates

    @Test
    void readsSelfSignedCaAndCaSignedLeafAsWorkloadSet() throws Exception {
        X509Certificate ca = CertificateReader.read(file("ca.crt")).get(0);
        assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("CN=OpenSSL Test CA");
        Path dir = Files.createDirectories(work.resolve("set"));
        Files.copy(file("leaf.crt"), dir.resolve("tls.crt"));
        Files.copy(file("leaf.key"), dir.resolve("tls.key"));
        Files.copy(file("ca.crt"), dir.resolve("ca.crt"));

        WorkloadCredentials creds = CertDirectory.load(dir, CLOCK);
        assertThat(creds.spiffeId()).contains(SpiffeId.parse(WEB));
        assertThat(creds.trustBundle().certificates()).containsExactly(ca);
    }

    @Test
    void readsDerCertificateAndManyPemCertificates() throws Exception {
        Tools.openssl(work, "x509", "-in", "leaf.crt", "-outform", "DER", "-out", "leaf.cer");
        List<X509Certificate> der = CertificateReader.read(file("leaf.cer"));
        assertThat(der).hasSize(1);
        Files.writeString(file("both.pem"), Files.readString(file("leaf.crt")) + Files.readString(file("ca.crt")));
        List<X509Certificate> both = CertificateReader.read(file("both.pem"));
        assertThat(both).hasSize(2);
        assertThat(both.get(0)).isEqualTo(der.get(0));
    }

    @Test
    void readsPkcs12ExportWithAndWithoutPassword() throws Exception {
        Tools.openssl(
                work,
                "pkcs12",
                "-export",
                "-in",
                "leaf.crt",
                "-inkey",
                "leaf.key",
                "-certfile",
                "ca.crt",
                "-passout",
                "pass:s3cret",
                "-out",
                "leaf.p12");
        Tools.openssl(
                work,
                "pkcs12",
                "-export",
                "-in",
                "leaf.crt",
                "-inkey",
                "leaf.key",
                "-certfile",
                "ca.crt",
                "-passout",
                "pass:",
                "-out",
                "leaf-nopass.pfx");
        X509Certificate leaf = CertificateReader.read(file("leaf.crt")).get(0);

        HeldCertificate withPassword = KeyStoreReader.readKeyEntry(file("leaf.p12"), SECRET, null);
        assertThat(withPassword.certificate()).isEqualTo(leaf);
        assertThat(withPassword.spiffeId()).contains(SpiffeId.parse(WEB));
        HeldCertificate noPassword = KeyStoreReader.readKeyEntry(file("leaf-nopass.pfx"), null, null);
        assertThat(noPassword.certificate()).isEqualTo(leaf);
        assertThat(noPassword.privateKey().getEncoded())
                .isEqualTo(withPassword.privateKey().getEncoded());
        assertThat(KeyStoreReader.readCertificates(file("leaf.p12"), SECRET)).contains(leaf);
    }

    @Test
    void refusesPkcs12WithWrongPassword() throws Exception {
        Tools.openssl(
                work,
                "pkcs12",
                "-export",
                "-in",
                "leaf.crt",
                "-inkey",
                "leaf.key",
                "-passout",
                "pass:s3cret",
                "-out",
                "wrong.p12");
        assertThatThrownBy(() -> KeyStoreReader.readKeyEntry(file("wrong.p12"), "nope".toCharArray(), null))
                .isInstanceOf(PkiException.class)
                .hasMessage(file("wrong.p12") + ": wrong keystore password (or the PKCS#12 file is damaged)");
    }

    @Test
    void refusesLeafWithoutClientAuthEku() throws Exception {
        Files.writeString(file("server-only.ext"), "subjectAltName=URI:" + WEB + "\nextendedKeyUsage=serverAuth\n");
        Tools.signRequest(
                work, "leaf.csr", "ca", "server-only.crt", "-passin", "pass:s3cret", "-extfile", "server-only.ext");
        HeldCertificate held = new HeldCertificate(
                PrivateKeyReader.read(file("leaf.key"), null), CertificateReader.read(file("server-only.crt")));
        TrustBundle bundle = TrustBundle.of(CertificateReader.read(file("ca.crt")));
        assertThatThrownBy(() -> CredentialCheck.verify(held, bundle, CLOCK, 4))
                .isInstanceOf(PkiException.class)
                .hasMessage("certificate #1 (" + WEB
                        + "): extended key usage lacks clientAuth, which mutual TLS needs in " + "both directions");
    }

    // ---------------------------------------------------------------- pki -> openssl

    @Test
    void opensslVerifiesWhatPkiIssuesAndShowsSpiffeUriSan() throws Exception {
        CertificateAuthority root =
                CertificateAuthority.createRoot("Meshless Root", Duration.ofDays(30), KeyType.EC_P256, CLOCK);
        HeldCertificate leaf =
                root.issue(LeafSpec.builder().spiffeId(SpiffeId.parse(WEB)).build());
        Path dir = work.resolve("issued");
        CertDirectory.write(dir, leaf, TrustBundle.of(root.certificate()));

        assertThat(Tools.openssl(dir, "verify", "-CAfile", "ca.crt", "tls.crt")).contains("tls.crt: OK");
        assertThat(Tools.openssl(dir, "verify", "-CAfile", "ca.crt", "-purpose", "sslclient", "tls.crt"))
                .contains("OK");
        assertThat(Tools.openssl(dir, "verify", "-CAfile", "ca.crt", "-purpose", "sslserver", "tls.crt"))
                .contains("OK");
        String text = Tools.openssl(dir, "x509", "-in", "tls.crt", "-noout", "-text");
        assertThat(text)
                .contains("URI:" + WEB)
                .contains("TLS Web Server Authentication, TLS Web Client Authentication")
                .contains("ASN1 OID: prime256v1");
        // openssl agrees that tls.key is the key of tls.crt.
        assertThat(Tools.openssl(dir, "pkey", "-in", "tls.key", "-pubout"))
                .isEqualTo(Tools.openssl(dir, "x509", "-in", "tls.crt", "-noout", "-pubkey"));
    }

    @Test
    void opensslVerifiesChainThroughIntermediateForEveryKeyType() throws Exception {
        CertificateAuthority root =
                CertificateAuthority.createRoot("Meshless Root", Duration.ofDays(30), KeyType.RSA_2048, CLOCK);
        CertificateAuthority intermediate =
                root.createIntermediate("Meshless Intermediate", Duration.ofDays(10), KeyType.EC_P384);
        for (KeyType type : new KeyType[] {KeyType.EC_P256, KeyType.EC_P384, KeyType.RSA_3072, KeyType.ED25519}) {
            HeldCertificate leaf = intermediate.issue(LeafSpec.builder()
                    .spiffeId(SpiffeId.parse(WEB))
                    .keyType(type)
                    .build());
            Path dir = work.resolve("chain-" + type);
            CertDirectory.write(dir, leaf, TrustBundle.of(root.certificate()));
            Files.writeString(dir.resolve("leaf.pem"), Pem.encode(leaf.certificate()));
            Files.writeString(dir.resolve("intermediate.pem"), Pem.encode(intermediate.certificate()));
            assertThat(Tools.openssl(dir, "verify", "-CAfile", "ca.crt", "-untrusted", "intermediate.pem", "leaf.pem"))
                    .as(type.toString())
                    .contains("leaf.pem: OK");
            assertThat(Tools.openssl(dir, "pkey", "-in", "tls.key", "-pubout"))
                    .isEqualTo(Tools.openssl(dir, "x509", "-in", "leaf.pem", "-noout", "-pubkey"));
            assertThat(CertDirectory.load(dir, CLOCK).identity().chain()).hasSize(2);
        }
    }

    @Test
    void opensslVerifiesLeavesSignedWithOpensslMadeEcCaKeysOnEveryCurve() throws Exception {
        // P-256 and P-384 keys sign through Bouncy Castle's lightweight ECDSA; P-521 through the JDK provider;
        // secp256k1 (which the JDK no longer knows) through Bouncy Castle's JCA provider.
        for (String curve : new String[] {"prime256v1", "secp384r1", "secp521r1", "secp256k1"}) {
            Path dir = Files.createDirectories(work.resolve("openssl-ca-" + curve));
            Tools.openssl(dir, "ecparam", "-name", curve, "-genkey", "-noout", "-out", "ca.key");
            Tools.openssl(
                    dir,
                    "req",
                    "-new",
                    "-x509",
                    "-key",
                    "ca.key",
                    "-subj",
                    "/CN=OpenSSL " + curve + " CA",
                    "-days",
                    "30",
                    "-addext",
                    "basicConstraints=critical,CA:TRUE",
                    "-addext",
                    "keyUsage=critical,keyCertSign,cRLSign",
                    "-out",
                    "ca.crt");
            HeldCertificate caMaterial = new HeldCertificate(
                    PrivateKeyReader.read(dir.resolve("ca.key"), null), CertificateReader.read(dir.resolve("ca.crt")));
            CertificateAuthority ca = new CertificateAuthority(caMaterial, CLOCK);
            HeldCertificate leaf =
                    ca.issue(LeafSpec.builder().spiffeId(SpiffeId.parse(WEB)).build());
            Files.writeString(dir.resolve("leaf.pem"), Pem.encode(leaf.certificate()));
            assertThat(Tools.openssl(dir, "verify", "-CAfile", "ca.crt", "leaf.pem"))
                    .as(curve)
                    .contains("leaf.pem: OK");
        }
    }

    @Test
    void opensslReadsPkcs12WrittenByPki() throws Exception {
        CertificateAuthority root =
                CertificateAuthority.createRoot("Meshless Root", Duration.ofDays(30), KeyType.EC_P256, CLOCK);
        HeldCertificate leaf =
                root.issue(LeafSpec.builder().spiffeId(SpiffeId.parse(WEB)).build());
        Path p12 = work.resolve("pki.p12");
        KeyStoreWriter.writePkcs12(p12, leaf, TrustBundle.of(root.certificate()), SECRET);
        String out = Tools.openssl(work, "pkcs12", "-in", "pki.p12", "-passin", "pass:s3cret", "-nokeys");
        assertThat(out).contains("subject=").contains("BEGIN CERTIFICATE");
        String key = Tools.openssl(work, "pkcs12", "-in", "pki.p12", "-passin", "pass:s3cret", "-nocerts", "-nodes");
        assertThat(key).contains("BEGIN PRIVATE KEY");
        // and back: pki reads its own keystore
        assertThat(KeyStoreReader.readKeyEntry(p12, SECRET, "meshless").certificate())
                .isEqualTo(leaf.certificate());
    }

    // ---------------------------------------------------------------- keytool -> pki

    @Test
    void readsKeytoolPkcs12AndJksKeystores() throws Exception {
        Tools.keytool(
                work,
                "-genkeypair",
                "-alias",
                "app",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=app",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                "keytool.p12",
                "-storepass",
                "changeit");
        Tools.keytool(
                work,
                "-genkeypair",
                "-alias",
                "app",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=app-jks",
                "-validity",
                "2",
                "-storetype",
                "JKS",
                "-keystore",
                "keytool.jks",
                "-storepass",
                "changeit",
                "-keypass",
                "changeit");
        Tools.keytool(
                work,
                "-importcert",
                "-noprompt",
                "-alias",
                "mesh-ca",
                "-file",
                "ca.crt",
                "-storetype",
                "JKS",
                "-keystore",
                "trust.jks",
                "-storepass",
                "changeit");

        HeldCertificate p12 = KeyStoreReader.readKeyEntry(work.resolve("keytool.p12"), "changeit".toCharArray(), null);
        assertThat(p12.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=app");
        assertThat(p12.privateKey().getAlgorithm()).isEqualTo("EC");
        HeldCertificate jks = KeyStoreReader.readKeyEntry(work.resolve("keytool.jks"), "changeit".toCharArray(), "app");
        assertThat(jks.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=app-jks");
        assertThat(KeyStoreReader.readCertificates(work.resolve("trust.jks"), "changeit".toCharArray()))
                .containsExactly(CertificateReader.read(file("ca.crt")).get(0));
    }

    @Test
    void keytoolReadsJksWrittenByPki() throws Exception {
        CertificateAuthority root =
                CertificateAuthority.createRoot("Meshless Root", Duration.ofDays(30), KeyType.EC_P256, CLOCK);
        HeldCertificate leaf =
                root.issue(LeafSpec.builder().spiffeId(SpiffeId.parse(WEB)).build());
        KeyStoreWriter.writeJks(work.resolve("pki.jks"), leaf, TrustBundle.of(root.certificate()), SECRET);
        String list = Tools.keytool(work, "-list", "-v", "-keystore", "pki.jks", "-storepass", "s3cret");
        assertThat(list)
                .contains("Alias name: meshless")
                .contains("PrivateKeyEntry")
                .contains("Alias name: ca-0")
                .contains(WEB);
    }
}
