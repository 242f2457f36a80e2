package io.meshless.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshless.pki.CertDirectory;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.PkiException;
import io.meshless.pki.SpiffeId;
import io.meshless.pki.WorkloadCredentials;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestPkiTest {

    private static final TestPki MESH = TestPki.create();

    @TempDir
    Path tmp;

    @Test
    void workloadCertificateLoadsAsAValidCertDirectory() throws PkiException {
        HeldCertificate orders = MESH.workload("shop", "orders");

        WorkloadCredentials loaded =
                CertDirectory.load(MESH.writeCertDir(tmp.resolve("orders"), orders), Clock.systemUTC());

        assertThat(loaded.spiffeId()).contains(SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/orders"));
        assertThat(loaded.identity().certificate()).isEqualTo(orders.certificate());
        assertThat(loaded.trustBundle()).isEqualTo(MESH.bundle());
    }

    @Test
    void expiredLeafIsRefusedAsExpired() {
        Path dir = MESH.writeCertDir(tmp.resolve("old"), MESH.expiredLeaf(MESH.spiffeId("shop", "orders")));

        assertThatThrownBy(() -> CertDirectory.load(dir, Clock.systemUTC()))
                .isInstanceOf(PkiException.class)
                .hasMessageContaining("tls.crt")
                .hasMessageContaining("expired");
    }

    @Test
    void notYetValidLeafIsRefusedAsNotYetValid() {
        Path dir = MESH.writeCertDir(tmp.resolve("early"), MESH.notYetValidLeaf(MESH.spiffeId("shop", "orders")));

        assertThatThrownBy(() -> CertDirectory.load(dir, Clock.systemUTC()))
                .isInstanceOf(PkiException.class)
                .hasMessageContaining("tls.crt")
                .hasMessageContaining("not yet valid");
    }

    @Test
    void leafFromForeignCaDoesNotVerifyAgainstTheMeshBundle() {
        TestPki foreign = MESH.foreign();
        HeldCertificate intruder = foreign.workload("shop", "orders");
        Path dir = TestPki.writeCertDir(tmp.resolve("intruder"), intruder, MESH.bundle(), null);

        assertThat(foreign.bundle()).isNotEqualTo(MESH.bundle());
        assertThatThrownBy(() -> io.meshless.pki.CredentialCheck.verify(
                        intruder, MESH.bundle(), Clock.systemUTC(), io.meshless.pki.CredentialCheck.DEFAULT_MAX_DEPTH))
                .isInstanceOf(PkiException.class)
                .hasMessageContaining("not signed");
    }

    @Test
    void certDirectoryWithAForeignLeafLoadsButSaysNoBundleHoldsItsIssuer() throws PkiException {
        // ca.crt says whom the workload trusts, not who issued it (client and server CAs may differ).
        HeldCertificate other = MESH.foreign().workload("shop", "orders");
        Path dir = TestPki.writeCertDir(tmp.resolve("other"), other, MESH.bundle(), null);

        assertThat(CertDirectory.load(dir, Clock.systemUTC()).bundlesHoldOwnIssuer())
                .isFalse();
    }

    @Test
    void intermediatePkiPutsTheIntermediateIntoLeafChains() throws PkiException {
        TestPki withIntermediate =
                TestPki.builder().name("Root").intermediate("Issuing CA").build();
        HeldCertificate leaf = withIntermediate.workload("shop", "checkout");

        assertThat(leaf.chain()).hasSize(2);
        assertThat(leaf.chain().get(1).getSubjectX500Principal().getName()).isEqualTo("CN=Issuing CA");
        assertThat(withIntermediate.bundle().certificates()).hasSize(1);
        assertThat(withIntermediate
                        .bundle()
                        .certificates()
                        .get(0)
                        .getSubjectX500Principal()
                        .getName())
                .isEqualTo("CN=Root");
        CertDirectory.load(withIntermediate.writeCertDir(tmp.resolve("checkout"), leaf), Clock.systemUTC());
    }

    @Test
    void clientCaBundleIsWrittenAsClientCaCrt() throws PkiException {
        TestPki clients = MESH.clientCa();
        Path dir = TestPki.writeCertDir(
                tmp.resolve("server"), MESH.workload("shop", "orders"), MESH.bundle(), clients.bundle());

        WorkloadCredentials loaded = CertDirectory.load(dir, Clock.systemUTC());

        assertThat(loaded.clientTrustBundle()).contains(clients.bundle());
    }

    @Test
    void publishesIntoAKubeletVolumeThatLoads() throws PkiException {
        SecretVolume volume = SecretVolume.at(tmp.resolve("volume"));
        HeldCertificate first = MESH.workload("shop", "orders");
        HeldCertificate second = MESH.workload("shop", "orders");

        MESH.publish(volume, first);
        MESH.publish(volume, second);

        assertThat(CertDirectory.load(volume.directory(), Clock.systemUTC()).serialHex())
                .isEqualTo(second.certificate().getSerialNumber().toString(16));
    }

    @Test
    void spiffeIdOnlyCertificateNamesNoHost() throws Exception {
        HeldCertificate orders = MESH.spiffeIdOnly(TestPki.id("shop", "orders"));

        assertThat(SpiffeId.fromCertificate(orders.certificate()))
                .contains(SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/orders"));
        assertThat(orders.certificate().getSubjectAlternativeNames()).hasSize(1);
    }

    @Test
    void webServerCertificateNamesItsHostAndNoSpiffeId() throws Exception {
        HeldCertificate web = MESH.foreign().webServer("www.example.com");

        assertThat(SpiffeId.fromCertificate(web.certificate())).isEmpty();
        assertThat(web.certificate().getSubjectAlternativeNames())
                .singleElement()
                .satisfies(san -> assertThat(san.get(1)).isEqualTo("www.example.com"));
        assertThat(web.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=www.example.com");
    }

    @Test
    void foreignAndClientCasStayTheSameForOnePki() {
        assertThat(MESH.foreign().bundle()).isEqualTo(MESH.foreign().bundle());
        assertThat(MESH.clientCa().bundle()).isEqualTo(MESH.clientCa().bundle());
        assertThat(MESH.foreign().bundle())
                .isNotEqualTo(MESH.bundle())
                .isNotEqualTo(MESH.clientCa().bundle());
    }

    @Test
    void volumeWithAClientBundleLoadsWithIt() throws PkiException {
        HeldCertificate orders = MESH.leaf(TestPki.id("shop", "orders"));
        SecretVolume volume = TestPki.volume(
                tmp.resolve("volume"), orders, MESH.bundle(), MESH.clientCa().bundle());

        WorkloadCredentials loaded = CertDirectory.load(volume.directory(), Clock.systemUTC());

        assertThat(loaded.identity().certificate()).isEqualTo(orders.certificate());
        assertThat(loaded.clientTrustBundle()).contains(MESH.clientCa().bundle());
    }
}
