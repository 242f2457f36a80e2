package io.meshless.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input gets a message naming where (file, block, certificate) and what is wrong. */
class BadInputTest {
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final SpiffeId web = SpiffeId.forServiceAccount("cluster.local", "shop", "web");
    private final CertificateAuthority ca =
            CertificateAuthority.createRoot("Mesh Root", Duration.ofDays(30), KeyType.EC_P256, clock);
    private final HeldCertificate leaf =
            ca.issue(LeafSpec.builder().spiffeId(web).build());
    private final TrustBundle bundle = TrustBundle.of(ca.certificate());

    @TempDir
    Path dir;

    private Path write(String name, String content) throws Exception {
        return Files.write(dir.resolve(name), content.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void refusesTruncatedPemCertificate() throws Exception {
        String pem = leaf.chainPem();
        Path f = write("tls.crt", pem.substring(0, pem.length() - 30));
        assertThatThrownBy(() -> CertificateReader.read(f))
                .isInstanceOf(PkiException.class)
                .hasMessage(
                        f + ": PEM block CERTIFICATE that begins on line 1 has no '-----END CERTIFICATE-----' line; "
                                + "the file is truncated");
    }

    @Test
    void refusesTruncatedPemKey() throws Exception {
        String pem = leaf.privateKeyPem();
        Path f = write("tls.key", pem.substring(0, pem.indexOf("-----END")));
        assertThatThrownBy(() -> PrivateKeyReader.read(f, null))
                .hasMessage(
                        f + ": PEM block PRIVATE KEY that begins on line 1 has no '-----END PRIVATE KEY-----' line; "
                                + "the file is truncated");
    }

    @Test
    void refusesCertificateWhoseBase64WasCutShort() throws Exception {
        // Lines lost in the middle but the END line present: base64 decodes, DER does not.
        String[] lines = leaf.chainPem().split("\n");
        Path f = write("cut.crt", lines[0] + "\n" + lines[1] + "\n" + lines[lines.length - 1] + "\n");
        assertThatThrownBy(() -> CertificateReader.read(f))
                .isInstanceOf(PkiException.class)
                .hasMessageStartingWith(f + " certificate #1: PEM block on line 1 is not valid DER");
    }

    @Test
    void refusesEmptyFiles() throws Exception {
        Path empty = write("empty.crt", "");
        Path blank = write("blank.key", "\n  \n");
        assertThatThrownBy(() -> CertificateReader.read(empty)).hasMessage(empty + ": file is empty");
        assertThatThrownBy(() -> PrivateKeyReader.read(blank, null))
                .hasMessage(blank + ": file is empty (only whitespace)");
        assertThatThrownBy(() -> KeyStoreReader.readKeyEntry(empty, null, null)).hasMessage(empty + ": file is empty");
    }

    @Test
    void refusesBinaryGarbage() throws Exception {
        byte[] garbage = new byte[256];
        new java.util.Random(7).nextBytes(garbage);
        garbage[0] = (byte) 0x8f;
        Path f = Files.write(dir.resolve("garbage.crt"), garbage);
        assertThatThrownBy(() -> CertificateReader.read(f))
                .hasMessage(f + ": is neither PEM (no '-----BEGIN' line) nor a DER certificate (starts with 0x8f"
                        + String.format("%02x%02x%02x", garbage[1] & 0xff, garbage[2] & 0xff, garbage[3] & 0xff) + ")");
        assertThatThrownBy(() -> PrivateKeyReader.read(f, null))
                .hasMessageStartingWith(f + ": is neither PEM (no '-----BEGIN' line) nor a DER private key");
        assertThatThrownBy(() -> KeyStoreReader.readCertificates(f, null))
                .hasMessage(f + ": is not a keystore: neither PKCS#12 nor JKS/JCEKS");
    }

    @Test
    void refusesPemWithoutTheExpectedBlock() throws Exception {
        Path keyOnly = write("key-as-cert.crt", leaf.privateKeyPem());
        Path certOnly = write("cert-as-key.key", leaf.chainPem());
        assertThatThrownBy(() -> CertificateReader.read(keyOnly))
                .hasMessage(keyOnly + ": contains no CERTIFICATE block (found PRIVATE KEY)");
        assertThatThrownBy(() -> PrivateKeyReader.read(certOnly, null))
                .hasMessage(certOnly + ": contains no private key (found CERTIFICATE)");
    }

    @Test
    void refusesWrongAndMissingPasswords() throws Exception {
        Path f = write("enc.key", encryptedPkcs8("right"));
        assertThatThrownBy(() -> PrivateKeyReader.read(f, "wrong".toCharArray()))
                .hasMessage(
                        f
                                + " ENCRYPTED PRIVATE KEY on line 1: cannot decrypt the key: wrong password, or the file is damaged");
        assertThatThrownBy(() -> PrivateKeyReader.read(f, null))
                .hasMessage(
                        f + " ENCRYPTED PRIVATE KEY on line 1: key is encrypted (PKCS#8) but no password was given");
        assertThat(PrivateKeyReader.read(f, "right".toCharArray()).getEncoded())
                .isEqualTo(leaf.privateKey().getEncoded());
    }

    private String encryptedPkcs8(String password) throws Exception {
        org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder b =
                new org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder(
                        org.bouncycastle.openssl.PKCS8Generator.AES_256_CBC);
        b.setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        b.setPassword(password.toCharArray());
        org.bouncycastle.openssl.jcajce.JcaPKCS8Generator gen =
                new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(leaf.privateKey(), b.build());
        java.io.StringWriter w = new java.io.StringWriter();
        try (org.bouncycastle.openssl.jcajce.JcaPEMWriter pw = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(w)) {
            pw.writeObject(gen.generate());
        }
        return w.toString();
    }

    @Test
    void refusesKeyThatDoesNotMatchCertificate() {
        HeldCertificate other = ca.issue(LeafSpec.builder().spiffeId(web).build());
        HeldCertificate mixed = new HeldCertificate(other.privateKey(), leaf.chain());
        assertThatThrownBy(() -> CredentialCheck.verify(mixed, bundle, clock, 4))
                .hasMessage(
                        "private key: does not match the certificate: certificate #1 holds a different EC P-256 public key "
                                + "(were tls.crt and tls.key taken from different sets?)");
        HeldCertificate rsa = ca.issue(
                LeafSpec.builder().spiffeId(web).keyType(KeyType.RSA_2048).build());
        assertThatThrownBy(() ->
                        CredentialCheck.verify(new HeldCertificate(rsa.privateKey(), leaf.chain()), bundle, clock, 4))
                .hasMessage(
                        "private key: does not match the certificate: the key is RSA but certificate #1 holds a EC P-256 "
                                + "public key");
    }

    @Test
    void refusesExpiredCertificateWithDates() {
        HeldCertificate old = ca.issue(LeafSpec.builder()
                .spiffeId(web)
                .notBefore(NOW.minus(Duration.ofDays(3)))
                .lifetime(Duration.ofDays(1))
                .build());
        assertThatThrownBy(() -> CredentialCheck.verify(old, bundle, clock, 4))
                .hasMessage("certificate #1 (" + web
                        + "): expired on 2026-11-21T10:00:00Z (valid from 2026-11-20T10:00:00Z), "
                        + "now is 2026-11-23T10:00:00Z");
    }

    @Test
    void refusesNotYetValidCertificateWithDates() {
        HeldCertificate future = ca.issue(LeafSpec.builder()
                .spiffeId(web)
                .notBefore(NOW.plus(Duration.ofHours(2)))
                .build());
        assertThatThrownBy(() -> CredentialCheck.verify(future, bundle, clock, 4))
                .hasMessage("certificate #1 (" + web + "): is not yet valid: valid from 2026-11-23T12:00:00Z until "
                        + "2026-11-24T12:00:00Z, now is 2026-11-23T10:00:00Z");
    }

    @Test
    void refusesCertificateFromForeignCa() {
        CertificateAuthority foreign =
                CertificateAuthority.createRoot("Foreign Root", Duration.ofDays(30), KeyType.EC_P256, clock);
        HeldCertificate stranger =
                foreign.issue(LeafSpec.builder().spiffeId(web).build());
        assertThatThrownBy(() -> CredentialCheck.verify(stranger, bundle, clock, 4))
                .hasMessage("certificate #1 (" + web
                        + "): is not signed by any CA in the trust bundle (issuer CN=Foreign Root; "
                        + "the bundle holds CN=Mesh Root)");
    }

    @Test
    void refusesForgedIssuerNameWithWrongSignature() {
        // Same issuer name as the mesh CA, different key: name matching alone must not pass it.
        CertificateAuthority impostor =
                CertificateAuthority.createRoot("Mesh Root", Duration.ofDays(30), KeyType.EC_P256, clock);
        HeldCertificate forged = impostor.issue(LeafSpec.builder().spiffeId(web).build());
        assertThatThrownBy(() -> CredentialCheck.verify(forged, bundle, clock, 4))
                .hasMessageContaining("is not signed by any CA in the trust bundle");
    }

    @Test
    void refusesCaCertificateUsedAsLeaf() {
        assertThatThrownBy(() -> CredentialCheck.verify(ca.held(), bundle, clock, 4))
                .hasMessage(
                        "certificate #1 (CN=Mesh Root): is a CA certificate (basicConstraints CA:TRUE) and cannot be used "
                                + "as a workload certificate; the leaf must come first and be an end-entity certificate");
    }

    @Test
    void refusesChainOutOfOrder() {
        CertificateAuthority i1 = ca.createIntermediate("Intermediate 1", Duration.ofDays(10), KeyType.EC_P256);
        CertificateAuthority i2 = i1.createIntermediate("Intermediate 2", Duration.ofDays(10), KeyType.EC_P256);
        HeldCertificate deep = i2.issue(LeafSpec.builder().spiffeId(web).build());
        List<java.security.cert.X509Certificate> swapped = new ArrayList<>(deep.chain());
        java.util.Collections.swap(swapped, 1, 2);
        assertThatThrownBy(
                        () -> CredentialCheck.verify(new HeldCertificate(deep.privateKey(), swapped), bundle, clock, 4))
                .hasMessage(
                        "certificate #2 (CN=Intermediate 1): chain out of order: it did not issue certificate #1 ("
                                + web
                                + ") (issuer CN=Intermediate 2); expected the leaf first, then each certificate followed by its issuer");
    }

    @Test
    void refusesChainDeeperThanVerifyDepth() throws Exception {
        CertificateAuthority i1 = ca.createIntermediate("Intermediate 1", Duration.ofDays(10), KeyType.EC_P256);
        CertificateAuthority i2 = i1.createIntermediate("Intermediate 2", Duration.ofDays(10), KeyType.EC_P256);
        HeldCertificate deep = i2.issue(LeafSpec.builder().spiffeId(web).build());
        CredentialCheck.verify(deep, bundle, clock, 2);
        assertThatThrownBy(() -> CredentialCheck.verify(deep, bundle, clock, 1))
                .hasMessage("certificate #1 (" + web
                        + "): chain has 2 intermediate CA certificates, more than the verify depth 1");
    }

    @Test
    void refusesMissingFileAndMissingDirectory() throws Exception {
        Path missing = dir.resolve("nope.crt");
        assertThatThrownBy(() -> CertificateReader.read(missing)).hasMessage(missing + ": file does not exist");
        Path noDir = dir.resolve("no-such-dir");
        assertThatThrownBy(() -> CertDirectory.load(noDir, clock)).hasMessage(noDir + ": directory does not exist");
    }

    /**
     * Tests run as root, which reads any file regardless of permission bits, so "unreadable" is
     * produced the way root also cannot read: a directory where a file is expected, and a file where
     * the directory is expected.
     */
    @Test
    void refusesUnreadableDirectoryEntries() throws Exception {
        Path certs = dir.resolve("certs");
        CertDirectory.write(certs, leaf, bundle);
        Files.delete(certs.resolve("tls.crt"));
        Files.createDirectory(certs.resolve("tls.crt"));
        assertThatThrownBy(() -> CertDirectory.load(certs, clock))
                .hasMessage(certs.resolve("tls.crt") + ": is a directory, expected a file");
        Path notADir = write("not-a-dir", "x");
        assertThatThrownBy(() -> CertDirectory.load(notADir, clock)).hasMessage(notADir + ": is not a directory");
    }

    @Test
    void refusesKubeletVolumeWhoseDataLinkDangles() throws Exception {
        Path certs = Files.createDirectories(dir.resolve("vol"));
        Files.createSymbolicLink(certs.resolve("..data"), java.nio.file.Paths.get("..2026_gone"));
        Files.createSymbolicLink(certs.resolve("tls.crt"), java.nio.file.Paths.get("..data/tls.crt"));
        assertThatThrownBy(() -> CertDirectory.load(certs, clock))
                .hasMessage(certs.resolve("..data")
                        + ": symbolic link points to a missing directory (rotation in progress?)");
    }

    @Test
    void certDirectoryNamesTheFileForEachProblem() throws Exception {
        Path certs = dir.resolve("set");
        HeldCertificate old = ca.issue(LeafSpec.builder()
                .spiffeId(web)
                .notBefore(NOW.minus(Duration.ofDays(3)))
                .lifetime(Duration.ofDays(1))
                .build());
        CertDirectory.write(certs, old, bundle);
        assertThatThrownBy(() -> CertDirectory.load(certs, clock))
                .hasMessage(
                        certs.resolve("tls.crt") + ": certificate #1 (" + web + "): expired on 2026-11-21T10:00:00Z "
                                + "(valid from 2026-11-20T10:00:00Z), now is 2026-11-23T10:00:00Z");

        CertificateAuthority foreign =
                CertificateAuthority.createRoot("Foreign Root", Duration.ofDays(30), KeyType.EC_P256, clock);
        // ca.crt says whom we trust, not who issued us: a set whose bundle lacks the own issuer loads.
        CertDirectory.write(certs, leaf, TrustBundle.of(foreign.certificate()));
        assertThat(CertDirectory.load(certs, clock).bundlesHoldOwnIssuer()).isFalse();
        // ...but a bundle CA of the issuer's name whose key did not sign the chain is a broken set.
        CertificateAuthority impostor =
                CertificateAuthority.createRoot("Mesh Root", Duration.ofDays(30), KeyType.EC_P256, clock);
        CertDirectory.write(certs, leaf, TrustBundle.of(impostor.certificate()));
        assertThatThrownBy(() -> CertDirectory.load(certs, clock))
                .hasMessage(certs.resolve("tls.crt") + ": certificate #1 (" + web
                        + "): is not signed by any CA in the trust "
                        + "bundle (issuer CN=Mesh Root; the bundle holds CN=Mesh Root): a CA of that name is there,"
                        + " but its key did not sign it from ca.crt");

        CertDirectory.write(certs, leaf, bundle);
        Files.writeString(certs.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\nAAAA\n");
        assertThatThrownBy(() -> CertDirectory.load(certs, clock))
                .hasMessage(certs.resolve("ca.crt") + ": PEM block CERTIFICATE that begins on line 1 has no "
                        + "'-----END CERTIFICATE-----' line; the file is truncated");
    }
}
