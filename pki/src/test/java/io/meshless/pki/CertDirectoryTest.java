package io.meshless.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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
}
