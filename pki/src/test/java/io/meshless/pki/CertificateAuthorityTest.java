package io.meshless.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x509.Time;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);
    private final SpiffeId web = SpiffeId.forServiceAccount("cluster.local", "shop", "web");

    @Test
    void issuesEcP256LeafWithSpiffeUriSanBothEkusAndDefaultLifetime() throws Exception {
        CertificateAuthority ca =
                CertificateAuthority.createRoot("Mesh Root", Duration.ofDays(365), KeyType.EC_P256, clock);
        HeldCertificate leaf = ca.issue(LeafSpec.builder()
                .spiffeId(web)
                .dnsName("web.shop.svc")
                .ipAddress("10.0.0.7")
                .build());

        X509Certificate cert = leaf.certificate();
        assertThat(leaf.spiffeId()).contains(web);
        assertThat(KeyType.describe(cert.getPublicKey())).isEqualTo("EC P-256");
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getNotBefore().toInstant()).isEqualTo(clock.instant());
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(clock.instant().plus(Duration.ofHours(24)));
        assertThat(cert.getSubjectAlternativeNames())
                .extracting(l -> (Object) l.get(1))
                .containsExactly((Object) web.toString(), "web.shop.svc", "10.0.0.7");
        assertThat(cert.getSerialNumber().bitLength()).isBetween(100, 128);
        assertThat(leaf.chain()).hasSize(1); // the self-signed root is not part of the chain
        cert.verify(ca.certificate().getPublicKey());
        CredentialCheck.verify(leaf, TrustBundle.of(ca.certificate()), clock, 4);
    }

    @Test
    void serialsAreRandomAndDistinct() {
        CertificateAuthority ca =
                CertificateAuthority.createRoot("Mesh Root", Duration.ofDays(1), KeyType.EC_P256, clock);
        BigInteger a =
                ca.issue(LeafSpec.builder().spiffeId(web).build()).certificate().getSerialNumber();
        BigInteger b =
                ca.issue(LeafSpec.builder().spiffeId(web).build()).certificate().getSerialNumber();
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void intermediateChainsLeafThroughIntermediateToRoot() throws Exception {
        CertificateAuthority root =
                CertificateAuthority.createRoot("Root", Duration.ofDays(10), KeyType.RSA_2048, clock);
        CertificateAuthority intermediate =
                root.createIntermediate("Intermediate", Duration.ofDays(5), KeyType.EC_P384);
        HeldCertificate leaf = intermediate.issue(
                LeafSpec.builder().spiffeId(web).keyType(KeyType.RSA_2048).build());

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
                HeldCertificate leaf =
                        ca.issue(LeafSpec.builder().spiffeId(web).keyType(t).build());
                assertThat(KeyType.describe(leaf.certificate().getPublicKey())).isEqualTo(t.displayName());
                CredentialCheck.verify(leaf, TrustBundle.of(ca.certificate()), clock, 4);
            }
        }
    }

    @Test
    void ecKeysAreJdkKeysOnTheNamedCurveThatSignAndVerify() throws Exception {
        for (KeyType type : new KeyType[] {KeyType.EC_P256, KeyType.EC_P384}) {
            KeyPair a = type.generate();
            KeyPair b = type.generate();
            assertThat(a.getPrivate()).isInstanceOf(ECPrivateKey.class);
            assertThat(KeyType.describe(a.getPublic())).isEqualTo(type.displayName());
            assertThat(((ECPrivateKey) a.getPrivate()).getS()).isNotEqualTo(((ECPrivateKey) b.getPrivate()).getS());
            assertThat(a.getPrivate().getFormat()).isEqualTo("PKCS#8");
            // The JDK's own provider reads the encodings back and agrees that the halves belong together.
            KeyFactory f = KeyFactory.getInstance("EC");
            PrivateKey reread =
                    f.generatePrivate(new PKCS8EncodedKeySpec(a.getPrivate().getEncoded()));
            PublicKey rereadPublic =
                    f.generatePublic(new X509EncodedKeySpec(a.getPublic().getEncoded()));
            Signature s = Signature.getInstance(type.signatureAlgorithm());
            s.initSign(reread);
            s.update(new byte[] {1, 2, 3});
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(type.signatureAlgorithm());
            v.initVerify(rereadPublic);
            v.update(new byte[] {1, 2, 3});
            assertThat(v.verify(sig)).as(type.toString()).isTrue();
        }
    }

    @Test
    void timeEncodingIsBouncyCastlesForEveryYearRange() throws Exception {
        for (String t : new String[] {
            "1949-12-31T23:59:59Z",
            "1950-01-01T00:00:00Z",
            "2026-11-23T10:00:00.750Z",
            "2049-12-31T23:59:59Z",
            "2050-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z"
        }) {
            Instant instant = Instant.parse(t);
            assertThat(CertificateAuthority.time(instant).getEncoded())
                    .as(t)
                    .isEqualTo(new Time(Date.from(instant)).getEncoded());
        }
    }

    @Test
    void issuesConcurrentlyFromOneCa() throws Exception {
        CertificateAuthority ca =
                CertificateAuthority.createRoot("Mesh Root", Duration.ofDays(1), KeyType.EC_P256, clock);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<HeldCertificate>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                futures.add(pool.submit(
                        () -> ca.issue(LeafSpec.builder().spiffeId(web).build())));
            }
            Set<BigInteger> serials = new HashSet<>();
            Set<BigInteger> keys = new HashSet<>();
            for (Future<HeldCertificate> f : futures) {
                HeldCertificate leaf = f.get(60, TimeUnit.SECONDS);
                leaf.certificate().verify(ca.certificate().getPublicKey());
                CredentialCheck.verify(leaf, TrustBundle.of(ca.certificate()), clock, 4);
                serials.add(leaf.certificate().getSerialNumber());
                keys.add(((ECPrivateKey) leaf.privateKey()).getS());
            }
            assertThat(serials).hasSize(200);
            assertThat(keys).hasSize(200);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void heldCertificateToStringNeverShowsTheKey() {
        CertificateAuthority ca = CertificateAuthority.createRoot("Root", Duration.ofDays(1), KeyType.EC_P256, clock);
        HeldCertificate leaf = ca.issue(LeafSpec.builder().spiffeId(web).build());
        assertThat(leaf.toString())
                .contains(web.toString())
                .doesNotContain("PRIVATE")
                .doesNotContain(java.util.Base64.getEncoder()
                        .encodeToString(leaf.privateKey().getEncoded())
                        .substring(0, 20));
    }
}
