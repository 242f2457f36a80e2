package io.meshless.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.agent.apps.HttpsServerApp;
import io.meshless.agent.apps.OkHttpClientApp;
import io.meshless.agent.apps.UrlConnectionClient;
import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Curl;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.it.support.Nginx;
import io.meshless.agent.it.support.NginxReport;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.SpiffeId;
import io.meshless.testing.PemFiles;
import io.meshless.testing.TestPki;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness proven without the agent: the same programs and peers with hand-configured JSSE
 * key stores. Shows the checks of the agent ITs can fail (nginx reports NONE, a server without
 * client auth serves curl) and what the agent adds (OkHttp presents nothing on its own).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlainJsseBaselineIT {

    private static final SpiffeId CLIENT = TestPki.id("shop", "checkout");
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path work;

    private TestPki pki;
    private Nginx nginx;
    private Path caFile;
    private Path trustStore;

    @BeforeAll
    void startNginx() throws Exception {
        pki = TestPki.create();
        caFile = PemFiles.writeBundle(work, "mesh-ca", pki.bundle());
        PemFiles server = PemFiles.write(work, "nginx", pki.leaf(TestPki.id("shop", "nginx")));
        nginx = Nginx.start(work, server.cert(), server.key(), caFile);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("mesh", pki.bundle().certificates().get(0));
        trustStore = store(trust, "trust.p12");
    }

    @AfterAll
    void stopNginx() {
        nginx.close();
    }

    @Test
    void nginxSeesCertificateFromHandConfiguredKeyStore() throws Exception {
        Path keyStore = keyStore(pki.spiffeIdOnly(CLIENT), "client.p12");
        try (ChildJvm app = jsse(ChildJvm.builder(Jdk.jdk17(), UrlConnectionClient.class), keyStore)
                .start()) {
            NginxReport report = NginxReport.parse(app.request(nginx.url()));
            assertThat(report.verify()).isEqualTo("SUCCESS");
            assertThat(report.clientSpiffeId()).contains(CLIENT);
        }
    }

    @Test
    void okHttpPresentsNoCertificateWithoutAgentEvenWithDefaultKeyStore() throws Exception {
        Path keyStore = keyStore(pki.spiffeIdOnly(CLIENT), "client-okhttp.p12");
        try (ChildJvm app = jsse(ChildJvm.builder(Jdk.jdk17(), OkHttpClientApp.class), keyStore)
                .start()) {
            NginxReport report = NginxReport.parse(app.request(nginx.url()));
            assertThat(report.verify()).isEqualTo("NONE");
            assertThat(report.clientSpiffeId()).isEmpty();
        }
    }

    @Test
    void serverWithoutClientAuthServesCurlWithoutCertificate() throws Exception {
        Path keyStore = keyStore(pki.leaf(TestPki.id("shop", "orders")), "server.p12");
        try (ChildJvm app = jsse(ChildJvm.builder(Jdk.jdk17(), HttpsServerApp.class), keyStore)
                .start()) {
            Curl.Result result =
                    Curl.getWithoutClientCertificate("https://127.0.0.1:" + app.awaitListening() + "/", caFile);
            assertThat(result.succeeded()).as(result.toString()).isTrue();
            assertThat(result.body()).contains("peer=none");
        }
    }

    private ChildJvm.Builder jsse(ChildJvm.Builder builder, Path keyStore) {
        return builder.withoutAgent()
                .jvmOption("-Djavax.net.ssl.keyStore=" + keyStore)
                .jvmOption("-Djavax.net.ssl.keyStorePassword=changeit")
                .jvmOption("-Djavax.net.ssl.keyStoreType=PKCS12")
                .jvmOption("-Djavax.net.ssl.trustStore=" + trustStore)
                .jvmOption("-Djavax.net.ssl.trustStorePassword=changeit")
                .jvmOption("-Djavax.net.ssl.trustStoreType=PKCS12");
    }

    private Path keyStore(HeldCertificate identity, String name) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(
                "workload", identity.privateKey(), PASSWORD, identity.chain().toArray(new Certificate[0]));
        return store(store, name);
    }

    private Path store(KeyStore store, String name) throws Exception {
        Path file = work.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD);
        }
        return file;
    }
}
