package io.meshless.benchmarks;

import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyType;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.SpiffeId;
import io.meshless.pki.TrustBundle;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;

/** A mesh CA with one workload identity per side, all of one key type, made at set-up time. */
final class BenchPki {
    static final char[] PASSWORD = "bench".toCharArray();

    final CertificateAuthority ca;
    final TrustBundle bundle;
    final HeldCertificate server;
    final HeldCertificate client;

    BenchPki(KeyType keyType) {
        this.ca = CertificateAuthority.createRoot("bench mesh CA", Duration.ofDays(2), keyType, Clock.systemUTC());
        this.bundle = TrustBundle.of(ca.held().certificate());
        this.server = ca.issue(LeafSpec.builder()
                .spiffeId(SpiffeId.forServiceAccount("cluster.local", "bench", "server"))
                .dnsName("localhost")
                .keyType(keyType)
                .build());
        this.client = ca.issue(LeafSpec.builder()
                .spiffeId(SpiffeId.forServiceAccount("cluster.local", "bench", "client"))
                .keyType(keyType)
                .build());
    }

    /** The identity as a JDK key store would hold it after `javax.net.ssl.keyStore=…p12`. */
    static KeyStore keyStore(HeldCertificate identity) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(
                "identity", identity.privateKey(), PASSWORD, identity.chain().toArray(new X509Certificate[0]));
        return ks;
    }

    KeyStore trustStore() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        int i = 0;
        for (X509Certificate c : bundle.certificates()) {
            ks.setCertificateEntry("ca" + i++, c);
        }
        return ks;
    }
}
