package io.meshless.agent.it.support;

import io.meshless.pki.CertDirectory;
import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyType;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.SpiffeId;
import io.meshless.pki.TrustBundle;
import io.meshless.testing.SecretVolume;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Certificates for the ITs, issued at test time by pki's {@link CertificateAuthority}: the mesh
 * CA, a second mesh CA (for client-ca.crt) and a foreign CA no agent trusts.
 */
public final class MeshPki {

    public static final String TRUST_DOMAIN = "cluster.local";

    private final CertificateAuthority mesh;
    private final CertificateAuthority clientMesh;
    private final CertificateAuthority foreign;

    private MeshPki(Clock clock) {
        this.mesh = CertificateAuthority.createRoot("meshless IT mesh CA", Duration.ofDays(2), KeyType.EC_P256, clock);
        this.clientMesh =
                CertificateAuthority.createRoot("meshless IT client CA", Duration.ofDays(2), KeyType.EC_P256, clock);
        this.foreign = CertificateAuthority.createRoot("foreign CA", Duration.ofDays(2), KeyType.EC_P256, clock);
    }

    public static MeshPki create() {
        return new MeshPki(Clock.systemUTC());
    }

    public static SpiffeId id(String namespace, String serviceAccount) {
        return SpiffeId.forServiceAccount(TRUST_DOMAIN, namespace, serviceAccount);
    }

    /** A workload certificate naming only its SPIFFE ID, as the injector issues them. */
    public HeldCertificate workload(SpiffeId id) {
        return mesh.issue(LeafSpec.builder().spiffeId(id).build());
    }

    /**
     * A server certificate that also names 127.0.0.1 and localhost, for peers that verify host
     * names themselves (curl, and library verifiers secure naming cannot reach).
     */
    public HeldCertificate workloadWithLoopbackNames(SpiffeId id) {
        return workloadWithLoopbackNames(id, KeyType.EC_P256);
    }

    /** The same with a key of {@code keyType}. */
    public HeldCertificate workloadWithLoopbackNames(SpiffeId id, KeyType keyType) {
        return mesh.issue(LeafSpec.builder()
                .spiffeId(id)
                .ipAddress("127.0.0.1")
                .dnsName("localhost")
                .keyType(keyType)
                .build());
    }

    /** Issued by the second mesh CA, the one a server's client-ca.crt names. */
    public HeldCertificate clientCaWorkload(SpiffeId id) {
        return clientMesh.issue(LeafSpec.builder()
                .spiffeId(id)
                .ipAddress("127.0.0.1")
                .dnsName("localhost")
                .build());
    }

    /** Same names as a mesh server, but from a CA no agent trusts: refusing it is about the CA only. */
    public HeldCertificate foreignWithLoopbackNames(SpiffeId id) {
        return foreign.issue(LeafSpec.builder()
                .spiffeId(id)
                .ipAddress("127.0.0.1")
                .dnsName("localhost")
                .build());
    }

    /** A mesh certificate with no SPIFFE ID, naming only {@code dnsName}: host-name rules apply to it. */
    public HeldCertificate meshWithoutSpiffeId(String dnsName) {
        return mesh.issue(
                LeafSpec.builder().dnsName(dnsName).commonName(dnsName).build());
    }

    /** An ordinary web server certificate from the foreign CA, naming only {@code dnsName}. */
    public HeldCertificate foreignWebServer(String dnsName) {
        return foreignWebServer(dnsName, KeyType.EC_P256);
    }

    /** The same with a key of {@code keyType}. */
    public HeldCertificate foreignWebServer(String dnsName, KeyType keyType) {
        return foreign.issue(LeafSpec.builder()
                .dnsName(dnsName)
                .commonName(dnsName)
                .keyType(keyType)
                .build());
    }

    public TrustBundle foreignBundle() {
        return TrustBundle.of(foreign.certificate());
    }

    public TrustBundle bundle() {
        return TrustBundle.of(mesh.certificate());
    }

    public TrustBundle clientBundle() {
        return TrustBundle.of(clientMesh.certificate());
    }

    /** A kubelet-layout cert dir (tls.crt, tls.key, ca.crt and optionally client-ca.crt). */
    public static SecretVolume volume(
            Path dir, HeldCertificate identity, TrustBundle bundle, TrustBundle clientCaOrNull) {
        SecretVolume volume = SecretVolume.at(dir);
        volume.publishText(files(identity, bundle, clientCaOrNull));
        return volume;
    }

    /** The file set of one Secret generation, for {@link SecretVolume#publishText}. */
    public static Map<String, String> files(HeldCertificate identity, TrustBundle bundle, TrustBundle clientCaOrNull) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(CertDirectory.TLS_CRT, identity.chainPem());
        files.put(CertDirectory.TLS_KEY, identity.privateKeyPem());
        files.put(CertDirectory.CA_CRT, bundle.toPem());
        if (clientCaOrNull != null) {
            files.put(CertDirectory.CLIENT_CA_CRT, clientCaOrNull.toPem());
        }
        return files;
    }

    /** Plain PEM files for nginx, openssl and curl: {@code <name>.crt} (chain) and {@code <name>.key}. */
    public static PemFiles pemFiles(Path dir, String name, HeldCertificate identity) {
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        write(cert, identity.chainPem());
        write(key, identity.privateKeyPem());
        return new PemFiles(cert, key);
    }

    public static Path pemFile(Path dir, String name, TrustBundle bundle) {
        Path file = dir.resolve(name + ".crt");
        write(file, bundle.toPem());
        return file;
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A certificate chain file and its key file. */
    public static final class PemFiles {
        private final Path cert;
        private final Path key;

        PemFiles(Path cert, Path key) {
            this.cert = cert;
            this.key = key;
        }

        public Path cert() {
            return cert;
        }

        public Path key() {
            return key;
        }
    }
}
