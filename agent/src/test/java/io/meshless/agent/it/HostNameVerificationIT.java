package io.meshless.agent.it;

import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.it.support.Nginx;
import io.meshless.testing.PemFiles;
import io.meshless.testing.TestPki;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Secure naming must not switch host-name verification off where it still applies: a server
 * trusted only through the JDK's CAs ({@code trust-system-cas}, here the JVM's
 * {@code javax.net.ssl.trustStore}) and a mesh certificate without a SPIFFE ID both get ordinary
 * host-name verification, by JSSE or by the HTTP library's own verifier.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostNameVerificationIT {

    @TempDir
    static Path work;

    private Path certDir;
    private Path systemTrustStore;
    private Nginx outsideMesh;
    private Nginx meshWithoutId;

    @BeforeAll
    void startServers() throws Exception {
        TestPki pki = TestPki.create();
        certDir = work.resolve("certs");
        TestPki.volume(certDir, pki.spiffeIdOnly(TestPki.id("shop", "checkout")), pki.bundle(), null);
        Path caFile = PemFiles.writeBundle(work, "mesh-ca", pki.bundle());
        PemFiles web = PemFiles.write(work, "web", pki.foreign().webServer("localhost"));
        PemFiles legacy = PemFiles.write(work, "legacy", pki.webServer("localhost"));
        outsideMesh = Nginx.start(work, web.cert(), web.key(), caFile);
        meshWithoutId = Nginx.start(work, legacy.cert(), legacy.key(), caFile);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry(
                "public-ca", pki.foreign().bundle().certificates().get(0));
        systemTrustStore = work.resolve("system-cas.p12");
        try (OutputStream out = Files.newOutputStream(systemTrustStore)) {
            trust.store(out, "changeit".toCharArray());
        }
    }

    @AfterAll
    void stopServers() {
        outsideMesh.close();
        meshWithoutId.close();
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("io.meshless.agent.it.ClientProgram#hostNameCheckersOnBothJdks")
    void verifiesHostNamesOfServersWithoutMeshIdentity(Jdk jdk, ClientProgram program) {
        // OkHttp and HttpClient with the CLIENT policy ask JSSE for no host-name check: their own
        // verifiers are what refuses here, and secure naming must not overrule them for these servers.
        String refusal = program.wrongHostRefusal();
        try (ChildJvm client = program.builder(jdk, "cert-dir=" + certDir)
                .jvmOption("-Djavax.net.ssl.trustStore=" + systemTrustStore)
                .jvmOption("-Djavax.net.ssl.trustStorePassword=changeit")
                .jvmOption("-Djavax.net.ssl.trustStoreType=PKCS12")
                .start()) {
            SoftAssertions softly = new SoftAssertions();
            softly.assertThat(client.request(outsideMesh.url("localhost")))
                    .as("system-CA server by its name\n%s", client.output())
                    .startsWith("OK 200");
            softly.assertThat(client.request(outsideMesh.url("127.0.0.1")))
                    .as("system-CA server by an address it does not name")
                    .startsWith("FAIL")
                    .contains(refusal);
            softly.assertThat(client.request(meshWithoutId.url("localhost")))
                    .as("mesh certificate without SPIFFE ID, by its name\n%s", client.output())
                    .startsWith("OK 200");
            softly.assertThat(client.request(meshWithoutId.url("127.0.0.1")))
                    .as("mesh certificate without SPIFFE ID, by an address it does not name")
                    .startsWith("FAIL")
                    .contains(refusal);
            softly.assertAll();
        }
    }
}
