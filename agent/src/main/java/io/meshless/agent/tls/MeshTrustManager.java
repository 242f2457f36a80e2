package io.meshless.agent.tls;

import io.meshless.pki.PeerPolicy;
import io.meshless.pki.SpiffeId;
import io.meshless.pki.WorkloadCredentials;
import io.meshless.pki.reload.CredentialSource;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies peers against the workload credentials current at the moment of the handshake.
 *
 * <p>Inbound clients: the chain must verify against {@code client-ca.crt} when present, else
 * {@code ca.crt}, and the leaf's SPIFFE ID must be allowed by {@code allowed-peers}.
 *
 * <p>Outbound servers (secure naming, as the design says): a chain that verifies against the mesh
 * bundle and names a SPIFFE ID is authorized by {@code allowed-peers}, with no host-name check; a
 * mesh chain without a SPIFFE ID gets host-name verification; a chain valid only against the
 * JDK's CAs (when {@code trust-system-cas}) gets ordinary host-name verification. Host names are
 * checked by the JDK's own PKIX trust manager through the engine/socket overloads, i.e. whenever
 * the caller set an endpoint identification algorithm (HTTPS clients do). Leaves authorized by
 * SPIFFE ID are recorded in {@link SecurelyNamedServers}, so that HTTP libraries checking host
 * names again after the handshake accept what secure naming accepted, and nothing else.
 *
 * <p>Nothing is cached across snapshots: the PKIX validators are built once per snapshot and
 * replaced as a whole when the source hands out a new one.
 */
public final class MeshTrustManager extends X509ExtendedTrustManager {

    private final CredentialSource source;
    private final PeerPolicy configuredPeers;
    private final Supplier<X509ExtendedTrustManager> systemTrust;
    private final String whereFrom;
    private final SecurelyNamedServers securelyNamed;
    private volatile Validators validators;

    /**
     * @param source          the current workload credentials
     * @param configuredPeers {@code allowed-peers}, or null for every ID in the own trust domain
     * @param systemTrust     the JDK's default trust manager (called lazily), or null when
     *                        {@code trust-system-cas=false}
     * @param whereFrom       where the credentials come from, for error messages (e.g. the cert dir)
     */
    public MeshTrustManager(
            CredentialSource source,
            PeerPolicy configuredPeers,
            Supplier<X509ExtendedTrustManager> systemTrust,
            String whereFrom) {
        this(source, configuredPeers, systemTrust, whereFrom, new SecurelyNamedServers());
    }

    /**
     * @param securelyNamed where the server leaves authorized by SPIFFE ID are recorded, for the
     *                      host-name verifiers of HTTP libraries that run after the handshake
     */
    public MeshTrustManager(
            CredentialSource source,
            PeerPolicy configuredPeers,
            Supplier<X509ExtendedTrustManager> systemTrust,
            String whereFrom,
            SecurelyNamedServers securelyNamed) {
        this.source = Objects.requireNonNull(source);
        this.configuredPeers = configuredPeers;
        this.systemTrust = systemTrust;
        this.whereFrom = Objects.requireNonNull(whereFrom);
        this.securelyNamed = Objects.requireNonNull(securelyNamed);
    }

    // ---- inbound clients ----

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkClient(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkClient(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkClient(chain, authType);
    }

    private void checkClient(X509Certificate[] chain, String authType) throws CertificateException {
        requireChain(chain, "client");
        Validators v = current("client");
        try {
            v.clients.checkClientTrusted(chain, authType);
        } catch (CertificateException e) {
            throw new CertificateException(
                    "client certificate " + describe(chain[0]) + " is not trusted: it does not" + " chain to the "
                            + v.clientBundleName + " bundle (" + e.getMessage() + ")",
                    e);
        }
        authorize(v, chain[0], "client");
    }

    // ---- outbound servers ----

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkServer(chain, authType, tm -> tm.checkServerTrusted(chain, authType));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkServer(chain, authType, tm -> tm.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkServer(chain, authType, tm -> tm.checkServerTrusted(chain, authType, engine));
    }

    /** A PKIX check with the caller's endpoint (socket or engine), so host names are verified as usual. */
    private interface EndpointCheck {
        void check(X509ExtendedTrustManager trustManager) throws CertificateException;
    }

    private void checkServer(X509Certificate[] chain, String authType, EndpointCheck withEndpoint)
            throws CertificateException {
        requireChain(chain, "server");
        Validators v = validators();
        String meshProblem = null;
        if (v == null) {
            meshProblem = "no workload credentials are loaded from " + whereFrom;
        } else {
            try {
                // Without the endpoint: secure naming replaces the host-name check for mesh peers.
                v.servers.checkServerTrusted(chain, authType);
                Optional<SpiffeId> id = SpiffeId.fromCertificate(chain[0]);
                if (id.isPresent()) {
                    authorize(v, chain[0], "server");
                    securelyNamed.authorized(chain[0]);
                    return;
                }
            } catch (PeerNotAllowedException e) {
                throw e;
            } catch (CertificateException e) {
                meshProblem = e.getMessage();
            }
            if (meshProblem == null) {
                // A mesh certificate without a SPIFFE ID: ordinary host-name verification.
                try {
                    withEndpoint.check(v.servers);
                    return;
                } catch (CertificateException e) {
                    throw new PeerNotAllowedException("server certificate " + describe(chain[0]) + " chains to the"
                            + " mesh trust bundle but has no SPIFFE ID, and host-name verification failed: "
                            + e.getMessage());
                }
            }
            meshProblem = "it does not chain to the mesh trust bundle (" + meshProblem + ")";
        }
        if (systemTrust == null) {
            throw new CertificateException("server certificate " + describe(chain[0]) + " is not trusted: "
                    + meshProblem + ", and trust-system-cas is false");
        }
        try {
            withEndpoint.check(systemTrust.get());
        } catch (CertificateException e) {
            throw new CertificateException(
                    "server certificate " + describe(chain[0]) + " is not trusted: " + meshProblem
                            + ", nor is it accepted by the JDK's CAs (" + e.getMessage() + ")",
                    e);
        }
    }

    private void authorize(Validators v, X509Certificate leaf, String side) throws CertificateException {
        Optional<SpiffeId> id = SpiffeId.fromCertificate(leaf);
        if (!id.isPresent()) {
            throw new PeerNotAllowedException(side + " certificate " + describe(leaf)
                    + " has no SPIFFE ID (URI SAN), so allowed-peers cannot admit it");
        }
        if (v.peers == null) {
            throw new PeerNotAllowedException(side + " " + id.get() + " refused: allowed-peers is not set and the"
                    + " own certificate has no SPIFFE ID to take the trust domain from");
        }
        if (!v.peers.allows(id.get())) {
            throw new PeerNotAllowedException(side + " " + id.get() + " is not in allowed-peers (" + v.peers + ")");
        }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        Validators v = validators();
        return v == null ? new X509Certificate[0] : v.clients.getAcceptedIssuers();
    }

    private Validators current(String side) throws CertificateException {
        Validators v = validators();
        if (v == null) {
            throw new CertificateException("refusing the " + side + ": no workload credentials are loaded from "
                    + whereFrom + " (see the agent log)");
        }
        return v;
    }

    /** The validators for the current snapshot, built when the snapshot changes, never per handshake. */
    private Validators validators() {
        Optional<WorkloadCredentials> now = source.current();
        if (!now.isPresent()) {
            return null;
        }
        Validators v = validators;
        if (v != null && v.snapshot == now.get()) {
            return v;
        }
        v = Validators.build(now.get(), configuredPeers);
        validators = v;
        return v;
    }

    private static void requireChain(X509Certificate[] chain, String side) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the " + side + " sent no certificate");
        }
    }

    static String describe(X509Certificate cert) {
        Optional<SpiffeId> id = SpiffeId.fromCertificate(cert);
        return "'" + cert.getSubjectX500Principal().getName() + "'"
                + id.map(i -> " (" + i + ")").orElse("")
                + " serial " + cert.getSerialNumber().toString(16);
    }

    /** Authorization failed after the chain verified: never fall back to the system CAs. */
    private static final class PeerNotAllowedException extends CertificateException {
        private static final long serialVersionUID = 1L;

        PeerNotAllowedException(String message) {
            super(message);
        }
    }

    /** PKIX trust managers for one snapshot. */
    private static final class Validators {
        final WorkloadCredentials snapshot;
        final X509ExtendedTrustManager servers;
        final X509ExtendedTrustManager clients;
        final String clientBundleName;
        final PeerPolicy peers;

        private Validators(
                WorkloadCredentials snapshot,
                X509ExtendedTrustManager servers,
                X509ExtendedTrustManager clients,
                String clientBundleName,
                PeerPolicy peers) {
            this.snapshot = snapshot;
            this.servers = servers;
            this.clients = clients;
            this.clientBundleName = clientBundleName;
            this.peers = peers;
        }

        static Validators build(WorkloadCredentials snapshot, PeerPolicy configuredPeers) {
            X509ExtendedTrustManager servers = pkix(snapshot.trustBundle().certificates());
            X509ExtendedTrustManager clients = snapshot.clientTrustBundle()
                    .map(b -> pkix(b.certificates()))
                    .orElse(servers);
            String clientBundleName = snapshot.clientTrustBundle().isPresent() ? "client-ca.crt" : "ca.crt";
            PeerPolicy peers = configuredPeers != null
                    ? configuredPeers
                    : snapshot.spiffeId()
                            .map(id -> PeerPolicy.sameTrustDomain(id.trustDomain()))
                            .orElse(null);
            return new Validators(snapshot, servers, clients, clientBundleName, peers);
        }
    }

    /** The JDK's PKIX trust manager over the given anchors. */
    static X509ExtendedTrustManager pkix(List<X509Certificate> anchors) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (X509Certificate anchor : anchors) {
                store.setCertificateEntry("anchor-" + i++, anchor);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            return onlyExtended(factory.getTrustManagers());
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build a PKIX trust manager: " + e, e);
        }
    }

    /** The JDK's default trust manager (cacerts, or javax.net.ssl.trustStore when set). */
    public static X509ExtendedTrustManager systemDefault() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init((KeyStore) null);
            return onlyExtended(factory.getTrustManagers());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the JDK's default trust store: " + e, e);
        }
    }

    private static X509ExtendedTrustManager onlyExtended(TrustManager[] managers) {
        for (TrustManager m : managers) {
            if (m instanceof X509ExtendedTrustManager) {
                return (X509ExtendedTrustManager) m;
            }
        }
        throw new IllegalStateException("the JDK's PKIX TrustManagerFactory returned no X509ExtendedTrustManager");
    }
}
