package io.meshless.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);
  private final SpiffeId web = SpiffeId.forServiceAccount("cluster.local", "shop", "web");

  @Test
  void issuesEcP256LeafWithSpiffeUriSanBothEkusAndDefaultLifetime() throws Exception {
    CertificateAuthority ca = CertificateAuthority.createRoot("Mesh Root", Duration.ofDays(365), KeyType.EC_P256, clock);
    HeldCertificate leaf = ca.issue(LeafSpec.builder().spiffeId(web).dnsName("web.shop.svc").ipAddress("10.0.0.7").build());

    X509Certificate cert = leaf.certificate();
    assertThat(leaf.spiffeId()).contains(web);
    assertThat(KeyType.describe(cert.getPublicKey())).isEqualTo("EC P-256");
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(clock.instant());
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(clock.instant().plus(Duration.ofHours(24)));
    assertThat(cert.getSubjectAlternativeNames()).extracting(l -> (Object) l.get(1))
        .containsExactly((Object) web.toString(), "web.shop.svc", "10.0.0.7");
    assertThat(cert.getSerialNumber().bitLength()).isBetween(100, 128);
    assertThat(leaf.chain()).hasSize(1); // the self-signed root is not part of the chain
    cert.verify(ca.certificate().getPublicKey());
    CredentialCheck.verify(leaf, TrustBundle.of(ca.certificate()), clock, 4);
  }

  @Test
  void serialsAreRandomAndDistinct() {
    CertificateAuthority ca = CertificateAuthority.createRoot("Mesh Root", Duration.ofDays(1), KeyType.EC_P256, clock);
    BigInteger a = ca.issue(LeafSpec.builder().spiffeId(web).build()).certificate().getSerialNumber();
    BigInteger b = ca.issue(LeafSpec.builder().spiffeId(web).build()).certificate().getSerialNumber();
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void intermediateChainsLeafThroughIntermediateToRoot() throws Exception {
    CertificateAuthority root = CertificateAuthority.createRoot("Root", Duration.ofDays(10), KeyType.RSA_2048, clock);
    CertificateAuthority intermediate = root.createIntermediate("Intermediate", Duration.ofDays(5), KeyType.EC_P384);
    HeldCertificate leaf = intermediate.issue(LeafSpec.builder().spiffeId(web).keyType(KeyType.RSA_2048).build());

    assertThat(leaf.chain()).hasSize(2);
    assertThat(leaf.chain().get(1)).isEqualTo(intermediate.certificate());
    assertThat(KeyType.describe(intermediate.certificate().getPublicKey())).isEqualTo("EC P-384");
    CredentialCheck.verify(leaf, TrustBundle.of(root.certificate()), clock, 4);
  }

  @Test
  void issuesEveryKeyType() throws Exception {
    for (KeyType caType : new KeyType[] {KeyType.EC_P256, KeyType.ED25519}) {
      CertificateAuthority ca = CertificateAuthority.createRoot("Root", Duration.ofDays(1), caType, clock);
      for (KeyType t : KeyType.values()) {
        if (t == KeyType.RSA_4096 || t == KeyType.RSA_3072) {
          continue; // slow to generate; covered by describe() below
        }
        HeldCertificate leaf = ca.issue(LeafSpec.builder().spiffeId(web).keyType(t).build());
        assertThat(KeyType.describe(leaf.certificate().getPublicKey())).isEqualTo(t.displayName());
        CredentialCheck.verify(leaf, TrustBundle.of(ca.certificate()), clock, 4);
      }
    }
  }

  @Test
  void heldCertificateToStringNeverShowsTheKey() {
    CertificateAuthority ca = CertificateAuthority.createRoot("Root", Duration.ofDays(1), KeyType.EC_P256, clock);
    HeldCertificate leaf = ca.issue(LeafSpec.builder().spiffeId(web).build());
    assertThat(leaf.toString()).contains(web.toString()).doesNotContain("PRIVATE").doesNotContain(
        java.util.Base64.getEncoder().encodeToString(leaf.privateKey().getEncoded()).substring(0, 20));
  }
}
