package io.meshless.pki.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyType;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.SpiffeId;
import io.meshless.pki.TrustBundle;
import io.meshless.pki.WorkloadCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

class ReloadingKeyManagerTest {
    private final Clock clock = Clock.systemUTC();
    private final SpiffeId web = SpiffeId.forServiceAccount("cluster.local", "shop", "web");
    private final CertificateAuthority ca =
            CertificateAuthority.createRoot("Mesh Root", Duration.ofDays(1), KeyType.EC_P256, clock);
    private final AtomicReference<WorkloadCredentials> holder = new AtomicReference<>();
    private final CredentialSource source = () -> Optional.ofNullable(holder.get());
    private final ReloadingKeyManager km = new ReloadingKeyManager(source);

    private WorkloadCredentials creds(HeldCertificate leaf) {
        return new WorkloadCredentials(leaf, TrustBundle.of(ca.certificate()), null);
    }

    @Test
    void returnsNoAliasWithoutMaterialSoHandshakesFailClosed() {
        assertThat(km.chooseServerAlias("EC", null, null)).isNull();
        assertThat(km.chooseClientAlias(new String[] {"EC", "RSA"}, null, null)).isNull();
        assertThat(km.getServerAliases("EC", null)).isNull();
        assertThat(km.currentAlias()).isEmpty();
        assertThat(km.getCertificateChain(ReloadingKeyManager.ALIAS_PREFIX)).isNull();
        assertThat(km.getPrivateKey(ReloadingKeyManager.ALIAS_PREFIX)).isNull();
    }

    @Test
    void returnsNoAliasWhenKeyTypeDoesNotMatch() {
        WorkloadCredentials current =
                creds(ca.issue(LeafSpec.builder().spiffeId(web).build()));
        holder.set(current);
        String alias = "meshless-" + current.serialHex();
        assertThat(km.chooseServerAlias("EC", null, null)).isEqualTo(alias);
        assertThat(km.chooseServerAlias("EC_EC", null, null)).isEqualTo(alias);
        assertThat(km.chooseServerAlias("RSA", null, null)).isNull();
        assertThat(km.chooseEngineClientAlias(new String[] {"RSA", "RSASSA-PSS"}, null, null))
                .isNull();
        assertThat(km.chooseEngineClientAlias(new String[] {"RSA", "EC"}, null, null))
                .isEqualTo(alias);
        assertThat(km.getCertificateChain("other")).isNull();
        assertThat(km.getCertificateChain(null)).isNull();
    }

    @Test
    void aliasChosenBeforeRotationStillYieldsThatSetsChainAndKey() {
        WorkloadCredentials first =
                creds(ca.issue(LeafSpec.builder().spiffeId(web).build()));
        WorkloadCredentials second =
                creds(ca.issue(LeafSpec.builder().spiffeId(web).build()));
        holder.set(first);
        String chosenBefore = km.chooseEngineServerAlias("EC", null, null);

        holder.set(second); // the watcher swaps between JSSE's choose call and its chain/key calls

        assertThat(km.getCertificateChain(chosenBefore))
                .containsExactly(first.identity().chainArray());
        assertThat(km.getPrivateKey(chosenBefore)).isEqualTo(first.identity().privateKey());
        String chosenAfter = km.chooseEngineServerAlias("EC", null, null);
        assertThat(chosenAfter).isNotEqualTo(chosenBefore);
        assertThat(km.getCertificateChain(chosenAfter))
                .containsExactly(second.identity().chainArray());
        assertThat(km.getPrivateKey(chosenAfter)).isEqualTo(second.identity().privateKey());
    }

    @Test
    void forgetsAliasesOfSetsRotatedAwayLongAgo() {
        WorkloadCredentials oldest =
                creds(ca.issue(LeafSpec.builder().spiffeId(web).build()));
        holder.set(oldest);
        String oldestAlias = km.chooseServerAlias("EC", null, null);
        for (int i = 0; i < 4; i++) {
            holder.set(creds(ca.issue(LeafSpec.builder().spiffeId(web).build())));
            assertThat(km.chooseServerAlias("EC", null, null)).isNotNull();
        }
        assertThat(km.getCertificateChain(oldestAlias)).isNull();
        assertThat(km.getPrivateKey(oldestAlias)).isNull();
    }

    @Test
    void nextHandshakePresentsRotatedCertificate() throws Exception {
        HeldCertificate first = ca.issue(LeafSpec.builder().spiffeId(web).build());
        HeldCertificate second = ca.issue(
                LeafSpec.builder().spiffeId(web).keyType(KeyType.RSA_2048).build());
        holder.set(creds(first));
        SSLContext server = context(km);
        try (SSLServerSocket ss = (SSLServerSocket)
                server.getServerSocketFactory().createServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            ss.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            Thread acceptor = new Thread(() -> serve(ss));
            acceptor.setDaemon(true);
            acceptor.start();

            // A fresh client context per connection, so no session is resumed and each is a full handshake.
            assertThat(handshake(context(null), ss.getLocalPort())).isEqualTo(first.certificate());
            holder.set(creds(second));
            assertThat(handshake(context(null), ss.getLocalPort())).isEqualTo(second.certificate());
            holder.set(null);
            SSLContext third = context(null);
            assertThatThrownBy(() -> handshake(third, ss.getLocalPort())).isInstanceOf(IOException.class);
        }
    }

    private static void serve(SSLServerSocket ss) {
        while (!ss.isClosed()) {
            try (SSLSocket s = (SSLSocket) ss.accept()) {
                s.startHandshake();
                OutputStream out = s.getOutputStream();
                out.write('x');
                out.flush();
            } catch (IOException e) {
                // a failed handshake is what some tests expect; keep accepting
            }
        }
    }

    private static X509Certificate handshake(SSLContext client, int port) throws IOException {
        try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            InputStream in = s.getInputStream();
            if (in.read() != 'x') {
                throw new SSLHandshakeException("server closed");
            }
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    private SSLContext context(KeyManager km) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(TrustBundle.of(ca.certificate()).toKeyStore());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(km == null ? null : new KeyManager[] {km}, tmf.getTrustManagers(), null);
        return ctx;
    }
}
