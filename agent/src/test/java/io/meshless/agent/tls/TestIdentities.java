package io.meshless.agent.tls;

import io.meshless.pki.HeldCertificate;
import io.meshless.pki.SpiffeId;
import io.meshless.pki.WorkloadCredentials;
import io.meshless.testing.TestPki;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/** The CAs of the unit tests (from the shared {@link TestPki}), and plain JDK contexts over them for the peer side. */
final class TestIdentities {
    static final TestPki MESH = TestPki.builder().name("mesh root").build();
    static final TestPki FOREIGN = TestPki.builder().name("foreign root").build();
    static final TestPki PUBLIC = TestPki.builder().name("public web root").build();

    private TestIdentities() {}

    static HeldCertificate leaf(TestPki ca, String spiffeId) {
        return ca.spiffeIdOnly(SpiffeId.parse(spiffeId));
    }

    static HeldCertificate dnsLeaf(TestPki ca, String dnsName) {
        return ca.webServer(dnsName);
    }

    static WorkloadCredentials credentials(HeldCertificate identity, TestPki ca) {
        return new WorkloadCredentials(identity, ca.bundle(), null);
    }

    static X509ExtendedKeyManager keyManager(HeldCertificate held) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("id", held.privateKey(), new char[0], held.chainArray());
        KeyManagerFactory factory = KeyManagerFactory.getInstance("SunX509");
        factory.init(store, new char[0]);
        return (X509ExtendedKeyManager) factory.getKeyManagers()[0];
    }

    /**
     * A client key manager that presents its certificate even when the server's CA list does not
     * name its issuer (as some clients do), so the server's verdict is what gets tested.
     */
    static X509ExtendedKeyManager presentingAlways(HeldCertificate held) throws Exception {
        X509ExtendedKeyManager delegate = keyManager(held);
        return new X509ExtendedKeyManager() {
            @Override
            public String chooseEngineClientAlias(
                    String[] keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine engine) {
                return "id";
            }

            @Override
            public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
                return new String[] {"id"};
            }

            @Override
            public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket s) {
                return "id";
            }

            @Override
            public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
                return delegate.getServerAliases(keyType, issuers);
            }

            @Override
            public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket s) {
                return delegate.chooseServerAlias(keyType, issuers, s);
            }

            @Override
            public java.security.cert.X509Certificate[] getCertificateChain(String alias) {
                return delegate.getCertificateChain(alias);
            }

            @Override
            public java.security.PrivateKey getPrivateKey(String alias) {
                return delegate.getPrivateKey(alias);
            }
        };
    }

    static X509ExtendedTrustManager trusting(TestPki... cas) {
        java.util.ArrayList<java.security.cert.X509Certificate> anchors = new java.util.ArrayList<>();
        for (TestPki ca : cas) {
            anchors.addAll(ca.bundle().certificates());
        }
        return MeshTrustManager.pkix(List.copyOf(anchors));
    }

    static SSLContext context(KeyManager keyManager, TrustManager trustManager) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS", "SunJSSE");
        context.init(
                keyManager == null ? null : new KeyManager[] {keyManager}, new TrustManager[] {trustManager}, null);
        return context;
    }
}
