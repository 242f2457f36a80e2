package io.meshless.agent.tls;

import io.meshless.agent.tls.RefusalLog.Side;
import io.meshless.pki.PeerPolicy;
import io.meshless.pki.SpiffeId;
import io.meshless.pki.WorkloadCredentials;
import io.meshless.pki.reload.CredentialSource;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
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
 * {@code ca.crt}, and the leaf must be admitted by {@code allowed-peers} (by default: the own trust
 * domain when the own certificate has a SPIFFE ID, else every client whose chain verified).
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
 * <p>Every refusal is logged through the {@link RefusalLog}, rate-limited per peer and reason.
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
    private final RefusalLog refusals;
    private final boolean admitRefusedClients;
    private final HandshakeCounts accepted;
    private volatile Validators validators;

    /**
     * @param source          the current workload credentials
     * @param configuredPeers {@code allowed-peers}, or null for the default (see {@link Validators#build})
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
        this(source, configuredPeers, systemTrust, whereFrom, securelyNamed, new RefusalLog(Clock.systemUTC()));
    }

    /** @param refusals where every refused peer is logged */
    public MeshTrustManager(
            CredentialSource source,
            PeerPolicy configuredPeers,
            Supplier<X509ExtendedTrustManager> systemTrust,
            String whereFrom,
            SecurelyNamedServers securelyNamed,
            RefusalLog refusals) {
        this(source, configuredPeers, systemTrust, whereFrom, securelyNamed, refusals, false, new HandshakeCounts());
    }

    /**
     * @param admitRefusedClients audit mode: a client the policy refuses is logged and counted, then admitted
     * @param accepted            counts the peers that passed
     */
    public MeshTrustManager(
            CredentialSource source,
            PeerPolicy configuredPeers,
            Supplier<X509ExtendedTrustManager> systemTrust,
            String whereFrom,
            SecurelyNamedServers securelyNamed,
            RefusalLog refusals,
            boolean admitRefusedClients,
            HandshakeCounts accepted) {
        this.admitRefusedClients = admitRefusedClients;
        this.accepted = Objects.requireNonNull(accepted);
        this.source = Objects.requireNonNull(source);
        this.configuredPeers = configuredPeers;
        this.systemTrust = systemTrust;
        this.whereFrom = Objects.requireNonNull(whereFrom);
        this.securelyNamed = Objects.requireNonNull(securelyNamed);
        this.refusals = Objects.requireNonNull(refusals);
    }

    /** Where refusals are logged and counted. */
    public RefusalLog refusals() {
        return refusals;
    }

    // ---- inbound clients ----

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        logged(Side.INBOUND, null, chain, () -> checkClient(chain, authType));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        logged(Side.INBOUND, RefusalLog.remote(socket), chain, () -> checkClient(chain, authType));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        logged(Side.INBOUND, RefusalLog.remote(engine), chain, () -> checkClient(chain, authType));
    }

    private void checkClient(X509Certificate[] chain, String authType) throws CertificateException {
        requireChain(chain, "client");
        Validators v = current("client");
        try {
            v.clients.checkClientTrusted(chain, authType);
        } catch (CertificateException e) {
            throw new PeerRefusedException(
                    classify(e),
                    "client certificate " + describe(chain[0]) + " is not trusted: it does not chain to the "
                            + v.clientBundleName + " bundle (" + e.getMessage() + ")",
                    v.clientBundleName + ": " + e.getMessage(),
                    e);
        }
        authorize(v.peers, chain[0], "client");
    }

    // ---- outbound servers ----

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        logged(
                Side.OUTBOUND,
                null,
                chain,
                () -> checkServer(chain, authType, tm -> tm.checkServerTrusted(chain, authType)));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        logged(
                Side.OUTBOUND,
                RefusalLog.remote(socket),
                chain,
                () -> checkServer(chain, authType, tm -> tm.checkServerTrusted(chain, authType, socket)));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        logged(
                Side.OUTBOUND,
                RefusalLog.remote(engine),
                chain,
                () -> checkServer(chain, authType, tm -> tm.checkServerTrusted(chain, authType, engine)));
    }

    /** A PKIX check with the caller's endpoint (socket or engine), so host names are verified as usual. */
    private interface EndpointCheck {
        void check(X509ExtendedTrustManager trustManager) throws CertificateException;
    }

    /** One check of a peer: throws when it is refused. */
    private interface PeerCheck {
        void run() throws CertificateException;
    }

    /**
     * Runs the check; a refusal is logged (rate-limited) before it reaches the handshake. In audit mode a
     * refused client is logged and counted the same way, and admitted.
     */
    private void logged(Side side, String remote, X509Certificate[] chain, PeerCheck check)
            throws CertificateException {
        boolean admit = admitRefusedClients && side == Side.INBOUND;
        try {
            check.run();
            accepted.accepted(side);
        } catch (PeerRefusedException e) {
            if (admit) {
                refusals.admitted(side, remote, leafOf(chain), e.reason(), e.detail());
                return;
            }
            refusals.refused(side, remote, leafOf(chain), e.reason(), e.detail());
            throw e;
        } catch (CertificateException | RuntimeException e) {
            if (admit) {
                refusals.admitted(side, remote, leafOf(chain), RefusalReason.UNTRUSTED_ISSUER, e.getMessage());
                return;
            }
            refusals.refused(side, remote, leafOf(chain), RefusalReason.UNTRUSTED_ISSUER, e.getMessage());
            throw e;
        }
    }

    /** Peers that passed, by side. */
    public HandshakeCounts accepted() {
        return accepted;
    }

    private static X509Certificate leafOf(X509Certificate[] chain) {
        return chain == null || chain.length == 0 ? null : chain[0];
    }

    private void checkServer(X509Certificate[] chain, String authType, EndpointCheck withEndpoint)
            throws CertificateException {
        requireChain(chain, "server");
        Validators v = validators();
        String meshProblem;
        CertificateException meshFailure = null;
        if (v == null) {
            meshProblem = "no workload credentials are loaded from " + whereFrom;
        } else {
            try {
                // Without the endpoint: secure naming replaces the host-name check for mesh peers.
                v.servers.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                meshFailure = e;
            }
            if (meshFailure == null) {
                if (SpiffeId.fromCertificate(chain[0]).isPresent()) {
                    authorize(v.peers, chain[0], "server");
                    securelyNamed.authorized(chain[0]);
                    return;
                }
                // A mesh certificate without a SPIFFE ID: ordinary host-name verification, and the
                // configured allowed-peers (the default speaks of SPIFFE IDs, or admits every peer).
                try {
                    withEndpoint.check(v.servers);
                } catch (CertificateException e) {
                    throw new PeerRefusedException(
                            RefusalReason.HOST_NAME_MISMATCH,
                            "server certificate " + describe(chain[0]) + " chains to the mesh trust bundle but has no"
                                    + " SPIFFE ID, and host-name verification failed: " + e.getMessage(),
                            e.getMessage(),
                            e);
                }
                if (configuredPeers != null) {
                    authorize(configuredPeers, chain[0], "server");
                }
                return;
            }
            meshProblem = "it does not chain to the mesh trust bundle (" + meshFailure.getMessage() + ")";
        }
        if (systemTrust == null) {
            throw new PeerRefusedException(
                    meshFailure == null ? RefusalReason.NO_CREDENTIALS : classify(meshFailure),
                    "server certificate " + describe(chain[0]) + " is not trusted: " + meshProblem
                            + ", and trust-system-cas is false",
                    meshProblem,
                    meshFailure);
        }
        try {
            withEndpoint.check(systemTrust.get());
        } catch (CertificateException e) {
            RefusalReason reason = classify(e);
            if (reason == RefusalReason.UNTRUSTED_ISSUER && meshFailure != null) {
                reason = classify(meshFailure);
            }
            if (reason == RefusalReason.UNTRUSTED_ISSUER && isHostNameFailure(e)) {
                reason = RefusalReason.HOST_NAME_MISMATCH;
            }
            throw new PeerRefusedException(
                    reason,
                    "server certificate " + describe(chain[0]) + " is not trusted: " + meshProblem
                            + ", nor is it accepted by the JDK's CAs (" + e.getMessage() + ")",
                    meshProblem + "; JDK CAs: " + e.getMessage(),
                    e);
        }
    }

    private static void authorize(PeerPolicy peers, X509Certificate leaf, String side) throws PeerRefusedException {
        if (peers.allows(leaf)) {
            return;
        }
        String why;
        if (SpiffeId.fromCertificate(leaf).isPresent()) {
            why = "allowed-peers is " + peers;
        } else if (peers.patterns().isEmpty()) {
            why = "it has no SPIFFE ID, and the default allowed-peers admits only " + peers;
        } else {
            why = "it has no SPIFFE ID and matches no cn:, dn: or dns: entry of allowed-peers " + peers;
        }
        throw new PeerRefusedException(
                RefusalReason.NOT_IN_ALLOWED_PEERS,
                side + " " + RefusalLog.identity(leaf) + " is not in allowed-peers: " + why + " (serial "
                        + leaf.getSerialNumber().toString(16) + ")",
                why,
                null);
    }

    /** Expired or not yet valid when the PKIX failure says so, else an untrusted issuer. */
    static RefusalReason classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                return RefusalReason.EXPIRED;
            }
            if (t instanceof CertificateNotYetValidException) {
                return RefusalReason.NOT_YET_VALID;
            }
            if (t instanceof CertPathValidatorException) {
                CertPathValidatorException.Reason r = ((CertPathValidatorException) t).getReason();
                if (r == CertPathValidatorException.BasicReason.EXPIRED) {
                    return RefusalReason.EXPIRED;
                }
                if (r == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                    return RefusalReason.NOT_YET_VALID;
                }
            }
        }
        return RefusalReason.UNTRUSTED_ISSUER;
    }

    /** The JDK's endpoint check failed (its messages say "No subject alternative ... matching"). */
    private static boolean isHostNameFailure(CertificateException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("No subject alternative") || m.contains("No name matching");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        Validators v = validators();
        return v == null ? new X509Certificate[0] : v.clients.getAcceptedIssuers();
    }

    private Validators current(String side) throws CertificateException {
        Validators v = validators();
        if (v == null) {
            String message = "no workload credentials are loaded from " + whereFrom + " (see the agent log)";
            throw new PeerRefusedException(
                    RefusalReason.NO_CREDENTIALS, "refusing the " + side + ": " + message, message, null);
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
            throw new PeerRefusedException(
                    RefusalReason.NO_CERTIFICATE, "the " + side + " sent no certificate", null, null);
        }
    }

    static String describe(X509Certificate cert) {
        Optional<SpiffeId> id = SpiffeId.fromCertificate(cert);
        return "'" + cert.getSubjectX500Principal().getName() + "'"
                + id.map(i -> " (" + i + ")").orElse("")
                + " serial " + cert.getSerialNumber().toString(16);
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
            // The default: the own trust domain for a SPIFFE workload (Istio, Linkerd); without a SPIFFE
            // ID of our own, every peer whose chain verified (nginx ssl_verify_client on).
            PeerPolicy peers = configuredPeers != null
                    ? configuredPeers
                    : snapshot.spiffeId()
                            .map(id -> PeerPolicy.sameTrustDomain(id.trustDomain()))
                            .orElseGet(PeerPolicy::anyVerifiedPeer);
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
