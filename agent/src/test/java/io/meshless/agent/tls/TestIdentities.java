package io.meshless.agent.tls;

import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyType;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.SpiffeId;
import io.meshless.pki.TrustBundle;
import io.meshless.pki.WorkloadCredentials;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/** Certificates generated at test time, and plain JDK contexts over them for the peer side. */
final class TestIdentities {
    static final Clock CLOCK = Clock.systemUTC();
    static final CertificateAuthority MESH =
            CertificateAuthority.createRoot("mesh root", Duration.ofDays(1), KeyType.EC_P256, CLOCK);
    static final CertificateAuthority FOREIGN =
            CertificateAuthority.createRoot("foreign root", Duration.ofDays(1), KeyType.EC_P256, CLOCK);
    static final CertificateAuthority PUBLIC =
            CertificateAuthority.createRoot("public web root", Duration.ofDays(1), KeyType.EC_P256, CLOCK);

    private TestIdentities() {}

    static HeldCertificate leaf(CertificateAuthority ca, String spiffeId) {
        return ca.issue(LeafSpec.builder().spiffeId(SpiffeId.parse(spiffeId)).build());
    }

    static HeldCertificate dnsLeaf(CertificateAuthority ca, String dnsName) {
        return ca.issue(LeafSpec.builder().dnsName(dnsName).commonName(dnsName).build());
    }

    static WorkloadCredentials credentials(HeldCertificate identity, CertificateAuthority ca) {
        return new WorkloadCredentials(identity, TrustBundle.of(ca.certificate()), null);
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

    static X509ExtendedTrustManager trusting(CertificateAuthority... cas) {
        java.util.ArrayList<java.security.cert.X509Certificate> anchors = new java.util.ArrayList<>();
        for (CertificateAuthority ca : cas) {
            anchors.add(ca.certificate());
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
