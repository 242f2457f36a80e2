package io.meshless.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.agent.apps.HttpsServerApp;
import io.meshless.agent.it.support.AgentLines;
import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.it.support.OpensslClient;
import io.meshless.agent.tls.MountedMaterialAdoption;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyType;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.SpiffeId;
import io.meshless.pki.TrustBundle;
import io.meshless.testing.PemFiles;
import io.meshless.testing.SecretVolume;
import io.meshless.testing.TestPki;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A JDK HttpsServer whose PKCS#12 holds two keys, chosen by SNI: the workload certificate (alias "mesh", naming
 * localhost) and a public certificate for another host name (alias "site"). Under the agent only the mesh alias is
 * taken over: the other name keeps its own certificate, the mesh name gets the workload certificate and, after a
 * kubelet swap, the new one. The real {@code openssl s_client -servername} is the client.
 */
class SniKeyStoreIT {
    private static final SpiffeId SERVER = TestPki.id("shop", "orders");
    private static final SpiffeId CLIENT = TestPki.id("shop", "checkout");
    private static final String MESH_NAME = "localhost";
    private static final String SITE_NAME = "shop.example.com";
    private static final String PASSWORD = "changeit";

    @TempDir
    static Path work;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.meshless.agent.it.support.Jdk#both")
    void eachServerNameGetsItsOwnCertificateAndOnlyTheMeshOneRotates(Jdk jdk) throws Exception {
        TestPki pki = TestPki.create();
        // RSA: the JDK's PKIX key manager chooses among EC server certificates by order, not by SNI, when they lack
        // the keyAgreement key usage (MeshAliasKeyManagerTest)
        HeldCertificate first =
                pki.issue(pki.spec(SERVER).keyType(KeyType.RSA_2048).build());
        HeldCertificate second =
                pki.issue(pki.spec(SERVER).keyType(KeyType.RSA_2048).build());
        HeldCertificate site = pki.foreign()
                .issue(LeafSpec.builder()
                        .dnsName(SITE_NAME)
                        .commonName(SITE_NAME)
                        .keyType(KeyType.RSA_2048)
                        .build());
        Path dir = work.resolve(jdk.name());
        SecretVolume volume = TestPki.volume(dir.resolve("certs"), first, pki.bundle(), null);
        Path keyStore = keyStore(dir.resolve("server.p12"), first, site);
        List<X509Certificate> both = new ArrayList<>(pki.bundle().certificates());
        both.addAll(pki.foreign().bundle().certificates());
        Path cas = PemFiles.writeBundle(dir, "cas", TrustBundle.of(both.toArray(new X509Certificate[0])));
        PemFiles client = PemFiles.write(dir, "client", pki.spiffeIdOnly(CLIENT));

        try (ChildJvm server = ChildJvm.builder(jdk, HttpsServerApp.class)
                .agent("cert-dir=" + volume.directory() + ",mode=strict")
                .args(keyStore.toString(), PASSWORD)
                .start()) {
            int port = server.awaitListening();

            OpensslClient.Result mesh =
                    OpensslClient.getWithServerName(port, MESH_NAME, cas, client.cert(), client.key());
            assertThat(mesh.servedHttp200())
                    .as("mesh name\n%s\n%s", mesh, server.stderr())
                    .isTrue();
            assertThat(mesh.serverSerial()).contains(first.certificate().getSerialNumber());
            OpensslClient.Result other =
                    OpensslClient.getWithServerName(port, SITE_NAME, cas, client.cert(), client.key());
            assertThat(other.servedHttp200())
                    .as("other name\n%s\n%s", other, server.stderr())
                    .isTrue();
            assertThat(other.serverSerial())
                    .as("the application's other key stays its own")
                    .contains(site.certificate().getSerialNumber());

            volume.publish(TestPki.secretFiles(second, pki.bundle(), null));
            server.awaitStderrLine(AgentLines.ROTATED, Duration.ofSeconds(30));

            OpensslClient.Result rotated =
                    OpensslClient.getWithServerName(port, MESH_NAME, cas, client.cert(), client.key());
            assertThat(rotated.serverSerial())
                    .as("the mesh name after the swap\n%s", rotated)
                    .contains(second.certificate().getSerialNumber());
            OpensslClient.Result stillOther =
                    OpensslClient.getWithServerName(port, SITE_NAME, cas, client.cert(), client.key());
            assertThat(stillOther.serverSerial()).contains(site.certificate().getSerialNumber());
            assertThat(server.stderr())
                    .as("the agent says what it took over and what stays")
                    .containsPattern(Pattern.quote(MountedMaterialAdoption.ADOPTED) + ".*alias '.*mesh'.*'.*site'");
        }
    }

    /** One PKCS#12, two key entries: "mesh" (the mounted workload key) and "site" (a public certificate). */
    private static Path keyStore(Path file, HeldCertificate mesh, HeldCertificate site) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("mesh", mesh.privateKey(), PASSWORD.toCharArray(), mesh.chainArray());
        store.setKeyEntry("site", site.privateKey(), PASSWORD.toCharArray(), site.chainArray());
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD.toCharArray());
        }
        return file;
    }
}
