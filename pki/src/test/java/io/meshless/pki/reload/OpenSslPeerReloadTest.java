package io.meshless.pki.reload;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.pki.CertDirectory;
import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.CertificateReader;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyType;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.SpiffeId;
import io.meshless.pki.TrustBundle;
import io.meshless.pki.WorkloadCredentials;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real openssl client against a JDK TLS server whose key manager reads a watched, kubelet-style
 * directory: after the {@code ..data} swap, the next openssl handshake sees the new certificate,
 * and openssl verifies both against ca.crt.
 */
class OpenSslPeerReloadTest {
    private final Clock clock = Clock.systemUTC();
    private final CertificateAuthority ca =
            CertificateAuthority.createRoot("Mesh Root", Duration.ofDays(1), KeyType.EC_P256, clock);
    private final SpiffeId web = SpiffeId.forServiceAccount("cluster.local", "shop", "web");

    @TempDir
    Path work;

    @Test
    void opensslClientSeesRotatedCertificateAfterKubeletSwap() throws Exception {
        Path certs = work.resolve("certs");
        KubeletVolume volume = new KubeletVolume(certs);
        HeldCertificate first = ca.issue(LeafSpec.builder().spiffeId(web).build());
        HeldCertificate second = ca.issue(
                LeafSpec.builder().spiffeId(web).keyType(KeyType.RSA_2048).build());
        volume.publish(set(first));
        Files.writeString(work.resolve("ca.pem"), ca.held().chainPem());

        try (WatchedCertDirectory watched = new WatchedCertDirectory(certs, clock, Duration.ofMillis(50), null)) {
            watched.start();
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(new KeyManager[] {new ReloadingKeyManager(watched)}, null, null);
            try (SSLServerSocket server = (SSLServerSocket)
                    ctx.getServerSocketFactory().createServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
                server.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                Thread acceptor = new Thread(() -> serve(server), "test-tls-server");
                acceptor.setDaemon(true);
                acceptor.start();

                assertThat(opensslPeerCertificate(server.getLocalPort())).isEqualTo(first.certificate());

                volume.publish(set(second));
                Await.until("the swapped set is current", () -> watched.current()
                        .map(WorkloadCredentials::serialHex)
                        .orElse("")
                        .equals(second.certificate().getSerialNumber().toString(16)));
                assertThat(opensslPeerCertificate(server.getLocalPort())).isEqualTo(second.certificate());
            }
        }
    }

    private Map<String, String> set(HeldCertificate leaf) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(CertDirectory.TLS_CRT, leaf.chainPem());
        m.put(CertDirectory.TLS_KEY, leaf.privateKeyPem());
        m.put(CertDirectory.CA_CRT, TrustBundle.of(ca.certificate()).toPem());
        return m;
    }

    private X509Certificate opensslPeerCertificate(int port) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                        "openssl",
                        "s_client",
                        "-connect",
                        "127.0.0.1:" + port,
                        "-CAfile",
                        work.resolve("ca.pem").toString(),
                        "-verify_return_error",
                        "-showcerts")
                .redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new AssertionError("openssl is required (CI installs it): " + e.getMessage(), e);
        }
        try {
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(out).as(out).contains("Verify return code: 0 (ok)");
            return CertificateReader.parse(out.getBytes(StandardCharsets.US_ASCII), "s_client output")
                    .get(0);
        } finally {
            p.destroyForcibly();
        }
    }

    private static void serve(SSLServerSocket server) {
        while (!server.isClosed()) {
            try (SSLSocket s = (SSLSocket) server.accept()) {
                s.startHandshake();
                OutputStream out = s.getOutputStream();
                out.write("hello\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                // next connection
            }
        }
    }
}
