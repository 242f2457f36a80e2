package io.meshless.testing;

import io.meshless.pki.CertDirectory;
import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyType;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.PkiException;
import io.meshless.pki.SpiffeId;
import io.meshless.pki.TrustBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A test PKI: one CA (root, or intermediate under a root) and the certificates tests need from it,
 * generated at test time. Everything is issued through {@link CertificateAuthority}, the code the
 * product uses.
 *
 * <pre>
 *   TestPki mesh = TestPki.builder().name("Mesh CA").build();
 *   HeldCertificate orders = mesh.workload("shop", "orders");
 *   mesh.writeCertDir(dir, orders);                     // tls.crt, tls.key, ca.crt
 *   TestPki foreign = TestPki.builder().name("Foreign CA").build();   // a peer to refuse
 * </pre>
 */
public final class TestPki {

    /** The trust domain a PKI has unless its builder names another. */
    public static final String TRUST_DOMAIN = "cluster.local";

    private final CertificateAuthority ca;
    private final TrustBundle bundle;
    private final String trustDomain;
    private final Clock clock;
    private TestPki foreign;
    private TestPki clientCa;

    private TestPki(CertificateAuthority ca, TrustBundle bundle, String trustDomain, Clock clock) {
        this.ca = ca;
        this.bundle = bundle;
        this.trustDomain = trustDomain;
        this.clock = clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A root CA "Meshless Test CA", EC P-256, trust domain cluster.local, system clock. */
    public static TestPki create() {
        return builder().build();
    }

    /** The CA that issues this PKI's leaves (an intermediate when built with {@link Builder#intermediate}). */
    public CertificateAuthority ca() {
        return ca;
    }

    /** What peers of this PKI trust: its root certificate. */
    public TrustBundle bundle() {
        return bundle;
    }

    public String trustDomain() {
        return trustDomain;
    }

    public Clock clock() {
        return clock;
    }

    /** {@code spiffe://cluster.local/ns/<namespace>/sa/<serviceAccount>}, for peers named before a PKI exists. */
    public static SpiffeId id(String namespace, String serviceAccount) {
        return SpiffeId.forServiceAccount(TRUST_DOMAIN, namespace, serviceAccount);
    }

    /** {@code spiffe://<trust domain>/ns/<namespace>/sa/<serviceAccount>}. */
    public SpiffeId spiffeId(String namespace, String serviceAccount) {
        return SpiffeId.forServiceAccount(trustDomain, namespace, serviceAccount);
    }

    /** A 24 h workload certificate for a service account, valid now, with DNS SAN {@code localhost} and IP 127.0.0.1. */
    public HeldCertificate workload(String namespace, String serviceAccount) {
        return leaf(spiffeId(namespace, serviceAccount));
    }

    /** A 24 h certificate for {@code id}, valid now, with DNS SAN {@code localhost} and IP 127.0.0.1. */
    public HeldCertificate leaf(SpiffeId id) {
        return issue(spec(id).build());
    }

    /**
     * A certificate whose only name is its SPIFFE ID: a peer that accepts it authorized it by SPIFFE ID,
     * never by a host name.
     */
    public HeldCertificate spiffeIdOnly(SpiffeId id) {
        return issue(LeafSpec.builder().spiffeId(id).build());
    }

    /** An ordinary web server certificate: CN and DNS SAN {@code dnsName}, no SPIFFE ID, so host-name rules apply. */
    public HeldCertificate webServer(String dnsName) {
        return issue(LeafSpec.builder().dnsName(dnsName).commonName(dnsName).build());
    }

    /** A certificate for {@code id} that expired an hour ago (valid for the day before). */
    public HeldCertificate expiredLeaf(SpiffeId id) {
        Instant now = clock.instant();
        return issue(spec(id).notBefore(now.minus(Duration.ofHours(25)))
                .lifetime(Duration.ofHours(24))
                .build());
    }

    /** A certificate for {@code id} that becomes valid in an hour. */
    public HeldCertificate notYetValidLeaf(SpiffeId id) {
        Instant now = clock.instant();
        return issue(spec(id).notBefore(now.plus(Duration.ofHours(1)))
                .lifetime(Duration.ofHours(24))
                .build());
    }

    /** A certificate for {@code id} with the given lifetime from now (short ones for renewal tests). */
    public HeldCertificate leaf(SpiffeId id, Duration lifetime) {
        return issue(spec(id).lifetime(lifetime).build());
    }

    /** Anything else: the spec as given. */
    public HeldCertificate issue(LeafSpec spec) {
        return ca.issue(spec);
    }

    /** A leaf spec builder with this PKI's usual SANs, for tests that need one more tweak. */
    public LeafSpec.Builder spec(SpiffeId id) {
        return LeafSpec.builder().spiffeId(id).dnsName("localhost").ipAddress("127.0.0.1");
    }

    /**
     * An unrelated CA in the same trust domain, made on first use and the same afterwards: certificates
     * from it must be refused by this PKI's peers.
     */
    public synchronized TestPki foreign() {
        if (foreign == null) {
            foreign = sibling("Foreign Test CA");
        }
        return foreign;
    }

    /**
     * A separate CA for client certificates (the {@code client-ca.crt} case), same trust domain, made on
     * first use and the same afterwards.
     */
    public synchronized TestPki clientCa() {
        if (clientCa == null) {
            clientCa = sibling("Client Test CA");
        }
        return clientCa;
    }

    /** Another root CA in this PKI's trust domain, on its clock. */
    private TestPki sibling(String name) {
        return builder().name(name).trustDomain(trustDomain).clock(clock).build();
    }

    /** Writes {@code tls.crt}, {@code tls.key} and {@code ca.crt} (this PKI's bundle) into {@code dir}. */
    public Path writeCertDir(Path dir, HeldCertificate identity) {
        return writeCertDir(dir, identity, bundle, null);
    }

    /**
     * Writes the Secret layout with an explicit bundle, and {@code client-ca.crt} when
     * {@code clientBundleOrNull} is given.
     */
    public static Path writeCertDir(
            Path dir, HeldCertificate identity, TrustBundle bundle, TrustBundle clientBundleOrNull) {
        try {
            CertDirectory.write(dir, identity, bundle);
            if (clientBundleOrNull != null) {
                Files.write(
                        dir.resolve(CertDirectory.CLIENT_CA_CRT),
                        clientBundleOrNull.toPem().getBytes(StandardCharsets.US_ASCII));
            }
        } catch (PkiException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /**
     * A kubelet-style volume at {@code dir} holding the Secret layout with an explicit bundle, and
     * {@code client-ca.crt} when {@code clientBundleOrNull} is given.
     */
    public static SecretVolume volume(
            Path dir, HeldCertificate identity, TrustBundle bundle, TrustBundle clientBundleOrNull) {
        SecretVolume volume = SecretVolume.at(dir);
        volume.publish(secretFiles(identity, bundle, clientBundleOrNull));
        return volume;
    }

    /** Publishes the Secret layout into a kubelet-style volume (atomic {@code ..data} swap). */
    public Path publish(SecretVolume volume, HeldCertificate identity) {
        return volume.publish(secretFiles(identity, bundle, null));
    }

    /** The files of a {@code kubernetes.io/tls} Secret (plus {@code client-ca.crt} when given), by name. */
    public static Map<String, byte[]> secretFiles(
            HeldCertificate identity, TrustBundle bundle, TrustBundle clientBundleOrNull) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(CertDirectory.TLS_CRT, identity.chainPem().getBytes(StandardCharsets.US_ASCII));
        files.put(CertDirectory.TLS_KEY, identity.privateKeyPem().getBytes(StandardCharsets.US_ASCII));
        files.put(CertDirectory.CA_CRT, bundle.toPem().getBytes(StandardCharsets.US_ASCII));
        if (clientBundleOrNull != null) {
            files.put(CertDirectory.CLIENT_CA_CRT, clientBundleOrNull.toPem().getBytes(StandardCharsets.US_ASCII));
        }
        return files;
    }

    /** Builds a {@link TestPki}. */
    public static final class Builder {
        private String name = "Meshless Test CA";
        private String trustDomain = TRUST_DOMAIN;
        private KeyType keyType = KeyType.EC_P256;
        private Clock clock = Clock.systemUTC();
        private String intermediateName;

        private Builder() {}

        public Builder name(String commonName) {
            this.name = Objects.requireNonNull(commonName);
            return this;
        }

        public Builder trustDomain(String trustDomain) {
            this.trustDomain = Objects.requireNonNull(trustDomain);
            return this;
        }

        public Builder keyType(KeyType keyType) {
            this.keyType = Objects.requireNonNull(keyType);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** Issue leaves from an intermediate CA under the root; leaf chains then carry the intermediate. */
        public Builder intermediate(String commonName) {
            this.intermediateName = Objects.requireNonNull(commonName);
            return this;
        }

        public TestPki build() {
            // The root starts 30 days back so expired / not-yet-valid leaves still nest inside its validity,
            // and the check that fails is the leaf's, as in production.
            Clock past = Clock.offset(clock, Duration.ofDays(-30));
            CertificateAuthority root = CertificateAuthority.createRoot(name, Duration.ofDays(3650), keyType, past);
            CertificateAuthority issuing = intermediateName == null
                    ? root
                    : root.createIntermediate(intermediateName, Duration.ofDays(1825), keyType);
            List<java.security.cert.X509Certificate> rootOnly = Collections.singletonList(root.certificate());
            return new TestPki(
                    new CertificateAuthority(issuing.held(), clock), TrustBundle.of(rootOnly), trustDomain, clock);
        }
    }
}
