package io.meshless.pki;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertDirectoryTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);
    private final SpiffeId web = SpiffeId.forServiceAccount("cluster.local", "shop", "web");
    private final CertificateAuthority ca =
            CertificateAuthority.createRoot("Mesh Root", Duration.ofDays(30), KeyType.EC_P256, clock);

    @TempDir
    Path dir;

    @Test
    void writtenSetLoadsBackWithIdentityAndBundle() throws Exception {
        HeldCertificate leaf = ca.issue(LeafSpec.builder().spiffeId(web).build());
        CertDirectory.write(dir, leaf, TrustBundle.of(ca.certificate()));

        WorkloadCredentials creds = CertDirectory.load(dir, clock);
        assertThat(creds.spiffeId()).contains(web);
        assertThat(creds.identity().certificate()).isEqualTo(leaf.certificate());
        assertThat(creds.identity().privateKey().getEncoded())
                .isEqualTo(leaf.privateKey().getEncoded());
        assertThat(creds.trustBundle().certificates()).containsExactly(ca.certificate());
        assertThat(creds.clientTrustBundle()).isEmpty();
        assertThat(creds.serialHex())
                .isEqualTo(leaf.certificate().getSerialNumber().toString(16));
        assertThat(creds.notAfter()).isEqualTo(clock.instant().plus(Duration.ofHours(24)));
        assertThat(Files.readString(dir.resolve("tls.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void refusesKeyFromAnotherSetNamingTlsKey() throws Exception {
        HeldCertificate a = ca.issue(LeafSpec.builder().spiffeId(web).build());
        HeldCertificate b = ca.issue(LeafSpec.builder().spiffeId(web).build());
        CertDirectory.write(dir, a, TrustBundle.of(ca.certificate()));
        Files.writeString(dir.resolve("tls.key"), b.privateKeyPem());

        assertThatThrownBy(() -> CertDirectory.load(dir, clock))
                .isInstanceOf(PkiException.class)
                .hasMessageStartingWith(dir.resolve("tls.key") + ": private key does not match the certificate");
    }

    @Test
    void missingFileIsNamed() throws Exception {
        HeldCertificate a = ca.issue(LeafSpec.builder().spiffeId(web).build());
        CertDirectory.write(dir, a, TrustBundle.of(ca.certificate()));
        Files.delete(dir.resolve("ca.crt"));
        assertThatThrownBy(() -> CertDirectory.load(dir, clock))
                .isInstanceOf(PkiException.class)
                .hasMessage(dir.resolve("ca.crt") + ": file does not exist");
    }

    @Test
    void loadsAKubeletCredentialBundle() throws Exception {
        HeldCertificate leaf = ca.issue(LeafSpec.builder().spiffeId(web).build());
        writeBundle(leaf.privateKeyPem() + leaf.chainPem());

        WorkloadCredentials creds = CertDirectory.load(dir, clock);
        assertThat(creds.spiffeId()).contains(web);
        assertThat(creds.identity().chain()).isEqualTo(leaf.chain());
        assertThat(creds.identity().privateKey().getEncoded())
                .isEqualTo(leaf.privateKey().getEncoded());
    }

    @Test
    void loadsACredentialBundleThroughKubeletSymlinks() throws Exception {
        HeldCertificate leaf = ca.issue(LeafSpec.builder().spiffeId(web).build());
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(CertDirectory.CREDENTIAL_BUNDLE, (leaf.privateKeyPem() + leaf.chainPem()).getBytes(US_ASCII));
        files.put(CertDirectory.CA_CRT, TrustBundle.of(ca.certificate()).toPem().getBytes(US_ASCII));
        new SecretVolumeWriter(dir, clock).publish(files);

        assertThat(CertDirectory.load(dir, clock).serialHex())
                .isEqualTo(leaf.certificate().getSerialNumber().toString(16));
    }

    @Test
    void refusesABundleWhoseFirstBlockIsNotTheKey() throws Exception {
        HeldCertificate leaf = ca.issue(LeafSpec.builder().spiffeId(web).build());
        writeBundle(leaf.chainPem() + leaf.privateKeyPem());

        assertThatThrownBy(() -> CertDirectory.load(dir, clock))
                .isInstanceOf(PkiException.class)
                .hasMessage(bundleFile() + ": first PEM block (line 1) is CERTIFICATE; a credential bundle starts"
                        + " with the PKCS#8 PRIVATE KEY, then the certificate chain");
    }

    @Test
    void refusesABundleWithoutChain() throws Exception {
        HeldCertificate leaf = ca.issue(LeafSpec.builder().spiffeId(web).build());
        writeBundle(leaf.privateKeyPem());

        assertThatThrownBy(() -> CertDirectory.load(dir, clock))
                .isInstanceOf(PkiException.class)
                .hasMessage(bundleFile() + ": holds the private key but no certificate chain after it");
    }

    @Test
    void refusesATruncatedBundle() throws Exception {
        HeldCertificate leaf = ca.issue(LeafSpec.builder().spiffeId(web).build());
        String whole = leaf.privateKeyPem() + leaf.chainPem();
        writeBundle(whole.substring(0, whole.length() - 40));

        assertThatThrownBy(() -> CertDirectory.load(dir, clock))
                .isInstanceOf(PkiException.class)
                .hasMessageStartingWith(bundleFile() + ": PEM block CERTIFICATE that begins on line")
                .hasMessageEndingWith("the file is truncated");
    }

    @Test
    void refusesABundleWithAnotherBlockInTheChain() throws Exception {
        HeldCertificate leaf = ca.issue(LeafSpec.builder().spiffeId(web).build());
        writeBundle(leaf.privateKeyPem() + leaf.chainPem() + leaf.privateKeyPem());

        assertThatThrownBy(() -> CertDirectory.load(dir, clock))
                .isInstanceOf(PkiException.class)
                .hasMessageContaining(bundleFile() + ": PEM block on line ")
                .hasMessageEndingWith(" is PRIVATE KEY; only CERTIFICATE blocks may follow the private key");
    }

    @Test
    void refusesABundleWhoseKeyBelongsToAnotherCertificate() throws Exception {
        HeldCertificate a = ca.issue(LeafSpec.builder().spiffeId(web).build());
        HeldCertificate b = ca.issue(LeafSpec.builder().spiffeId(web).build());
        writeBundle(b.privateKeyPem() + a.chainPem());

        assertThatThrownBy(() -> CertDirectory.load(dir, clock))
                .isInstanceOf(PkiException.class)
                .hasMessageStartingWith(bundleFile() + ": private key does not match the certificate");
    }

    @Test
    void refusesADirectoryHoldingBothLayouts() throws Exception {
        HeldCertificate leaf = ca.issue(LeafSpec.builder().spiffeId(web).build());
        CertDirectory.write(dir, leaf, TrustBundle.of(ca.certificate()));
        Files.writeString(dir.resolve(CertDirectory.CREDENTIAL_BUNDLE), leaf.privateKeyPem() + leaf.chainPem());

        assertThatThrownBy(() -> CertDirectory.load(dir, clock))
                .isInstanceOf(PkiException.class)
                .hasMessage(dir + ": holds both credentialbundle.pem and tls.crt/tls.key; keep one layout"
                        + " (the Pod Certificate bundle or the Secret's files)");
    }

    private void writeBundle(String pem) throws Exception {
        Files.writeString(bundleFile(), pem);
        Files.writeString(
                dir.resolve(CertDirectory.CA_CRT),
                TrustBundle.of(ca.certificate()).toPem());
    }

    private Path bundleFile() {
        return dir.resolve(CertDirectory.CREDENTIAL_BUNDLE);
    }
}
