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

class KeyStoreTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);
    private final SpiffeId web = SpiffeId.forServiceAccount("cluster.local", "shop", "web");
    private final CertificateAuthority ca =
            CertificateAuthority.createRoot("Mesh Root", Duration.ofDays(30), KeyType.EC_P256, clock);
    private final HeldCertificate leaf =
            ca.issue(LeafSpec.builder().spiffeId(web).build());
    private final TrustBundle bundle = TrustBundle.of(ca.certificate());
    private final char[] password = "pw".toCharArray();

    @TempDir
    Path dir;

    @Test
    void pkcs12AndJksRoundTripKeyChainAndBundle() throws Exception {
        Path p12 = dir.resolve("id.p12");
        Path jks = dir.resolve("id.jks");
        KeyStoreWriter.writePkcs12(p12, leaf, bundle, password);
        KeyStoreWriter.writeJks(jks, leaf, bundle, password);
        for (Path f : new Path[] {p12, jks}) {
            HeldCertificate back = KeyStoreReader.readKeyEntry(f, password, null);
            // The JDK's PKCS#12 reader rebuilds the chain from every certificate in the file, so the
            // root stored as a trusted entry may follow; the leaf and its issuers come first either way.
            assertThat(back.chain()).startsWith(leaf.chain().toArray(new java.security.cert.X509Certificate[0]));
            assertThat(back.privateKey().getEncoded())
                    .isEqualTo(leaf.privateKey().getEncoded());
            assertThat(KeyStoreReader.readCertificates(f, password))
                    .containsExactlyInAnyOrder(ca.certificate(), leaf.certificate());
            CredentialCheck.verify(back, bundle, clock, 4);
        }
        assertThat(Files.readAllBytes(jks)).startsWith((byte) 0xfe, (byte) 0xed, (byte) 0xfe, (byte) 0xed);
    }

    @Test
    void namesMissingAliasAndRefusesCertificateEntryAsKey() throws Exception {
        Path p12 = dir.resolve("id.p12");
        KeyStoreWriter.writePkcs12(p12, leaf, bundle, password);
        assertThatThrownBy(() -> KeyStoreReader.readKeyEntry(p12, password, "other"))
                .hasMessageStartingWith(p12 + " alias 'other': no such entry; the keystore holds [");
        assertThatThrownBy(() -> KeyStoreReader.readKeyEntry(p12, password, "ca-0"))
                .hasMessage(p12 + " alias 'ca-0': is a certificate entry, not a private key entry");
    }

    @Test
    void refusesWrongJksPasswordAndMissingPassword() throws Exception {
        Path jks = dir.resolve("id.jks");
        KeyStoreWriter.writeJks(jks, leaf, bundle, password);
        assertThatThrownBy(() -> KeyStoreReader.readKeyEntry(jks, "nope".toCharArray(), null))
                .hasMessage(jks + ": wrong keystore password (or the JKS file is damaged)");
    }

    @Test
    void refusesPemGivenAsKeystore() throws Exception {
        Path pem = Files.writeString(dir.resolve("tls.crt"), leaf.chainPem());
        assertThatThrownBy(() -> KeyStoreReader.readCertificates(pem, null))
                .hasMessage(pem + ": is a PEM file, not a keystore (PKCS#12, JKS or JCEKS)");
    }

    @Test
    void loadsSetWithSeparateClientCa() throws Exception {
        CertificateAuthority clientCa =
                CertificateAuthority.createRoot("Client CA", Duration.ofDays(30), KeyType.EC_P256, clock);
        HeldCertificate id = clientCa.issue(LeafSpec.builder().spiffeId(web).build());
        Path certs = dir.resolve("certs");
        CertDirectory.write(certs, id, bundle);
        Files.writeString(certs.resolve(CertDirectory.CLIENT_CA_CRT), Pem.encode(clientCa.certificate()));

        WorkloadCredentials creds = CertDirectory.load(certs, clock);
        assertThat(creds.clientTrustBundle()).contains(TrustBundle.of(clientCa.certificate()));
        assertThat(creds.inboundTrustBundle().certificates()).containsExactly(clientCa.certificate());
        assertThat(creds.trustBundle().certificates()).containsExactly(ca.certificate());
    }
}
