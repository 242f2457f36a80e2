package io.meshless.agent.tls;

import io.meshless.pki.WorkloadCredentials;
import io.meshless.pki.reload.CredentialSource;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether TLS material an application built itself is the mesh's own, mounted material, and
 * if so puts the agent's managers in its place, so that servers configured from the mounted files
 * (Spring Boot's {@code server.ssl.*}, Netty's {@code SslContextBuilder.forServer(crt, key)}, Vert.x PEM
 * options, a PKCS#12 made from them) rotate with the files and get the mesh's peer authorization.
 *
 * <ul>
 *   <li>A key manager holding, under any alias, a chain whose leaf has the public key of the current
 *       workload certificate, or of one the agent recently rotated away from (an application that read
 *       the files just before a swap), becomes the agent's reloading key manager. By public key, so the
 *       container the application used (PEM, PKCS#12, JKS) does not matter. When it also holds keys of its own
 *       (a public certificate for another host name, chosen by SNI), only the aliases of the workload key are
 *       answered by the agent's key manager and the others stay the application's ({@link MeshAliasKeyManager}).
 *   <li>A trust manager whose accepted issuers are exactly the mesh bundle ({@code ca.crt}) or exactly
 *       the inbound bundle ({@code client-ca.crt}), compared as sets, becomes the agent's mesh trust
 *       manager.
 *   <li>Everything else stays the application's, untouched.
 * </ul>
 *
 * <p>Every entry point logs its decision once: what was adopted and why at INFO, what was left alone
 * and why at DEBUG. Certificates are named by subject and serial only, never by content.
 */
public final class MountedMaterialAdoption {

    /** Starts the INFO line that says what was adopted; tests look for it. */
    public static final String ADOPTED = "adopted the mounted workload material";

    /** Starts the DEBUG line that says what was left to the application; tests look for it. */
    public static final String LEFT_ALONE = "left the application's own TLS material alone";

    /**
     * JSSE key types asked of an application's key manager to list its aliases: every type a workload
     * key can have (ECDSA P-256 by default, RSA selectable) and the others JSSE knows.
     */
    private static final String[] KEY_TYPES = {"EC", "RSA", "RSASSA-PSS", "EdDSA", "Ed25519", "Ed448", "DSA"};

    private static final Logger LOG = LoggerFactory.getLogger(MountedMaterialAdoption.class);

    private final CredentialSource source;
    private final Supplier<? extends Collection<X509Certificate>> retiredLeaves;
    private final X509ExtendedKeyManager keyManager;
    private final X509ExtendedTrustManager trustManager;

    /**
     * @param source        the current workload credentials
     * @param retiredLeaves the leaves the agent rotated away from, newest last (see {@link ManagedContexts})
     * @param keyManager    the agent's reloading key manager, put in place of an adopted one
     * @param trustManager  the agent's mesh trust manager, put in place of an adopted one
     */
    public MountedMaterialAdoption(
            CredentialSource source,
            Supplier<? extends Collection<X509Certificate>> retiredLeaves,
            X509ExtendedKeyManager keyManager,
            X509ExtendedTrustManager trustManager) {
        this.source = Objects.requireNonNull(source, "source");
        this.retiredLeaves = Objects.requireNonNull(retiredLeaves, "retiredLeaves");
        this.keyManager = Objects.requireNonNull(keyManager, "keyManager");
        this.trustManager = Objects.requireNonNull(trustManager, "trustManager");
    }

    /**
     * For {@code SSLContext.init} and any hook holding arrays of managers: each manager decided on its own,
     * the arrays' order kept; null arrays stay null (the caller's defaults apply). Logs once.
     *
     * @param where names the context for the log, e.g. "SSLContext.init from com.example.Server.start"
     */
    public Adoption adopt(KeyManager[] keyManagers, TrustManager[] trustManagers, Supplier<String> where) {
        Adoption adoption = decide(keyManagers, trustManagers);
        adoption.log(where);
        return adoption;
    }

    /** For hooks that hold one key manager (Netty's OpenSSL contexts): the agent's, or the one given. Logs once. */
    public X509KeyManager adopt(X509KeyManager applications, Supplier<String> where) {
        Adoption adoption = decide(new KeyManager[] {applications}, null);
        adoption.log(where);
        return (X509KeyManager) adoption.keyManagers()[0];
    }

    /** For hooks that hold one trust manager (Netty's OpenSSL contexts): the agent's, or the one given. Logs once. */
    public X509TrustManager adopt(X509TrustManager applications, Supplier<String> where) {
        Adoption adoption = decide(null, new TrustManager[] {applications});
        adoption.log(where);
        return (X509TrustManager) adoption.trustManagers()[0];
    }

    /** Whether one of {@code managers} is the agent's own key manager (a context built from the agent's factory). */
    public boolean includesAgentsKeyManager(KeyManager[] managers) {
        if (managers != null) {
            for (KeyManager manager : managers) {
                if (manager == keyManager) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The decision alone, without logging. */
    public Adoption decide(KeyManager[] keyManagers, TrustManager[] trustManagers) {
        Optional<WorkloadCredentials> current = source.current();
        List<String> adopted = new ArrayList<>();
        List<String> leftAlone = new ArrayList<>();
        KeyManager[] km = keyManagers == null ? null : keyManagers.clone();
        TrustManager[] tm = trustManagers == null ? null : trustManagers.clone();
        if (km != null) {
            for (int i = 0; i < km.length; i++) {
                KeyAdoption keys = meshKeyHeldBy(km[i], current);
                if (keys != null) {
                    km[i] = keys.replacement;
                    adopted.add(keys.reason);
                } else if (km[i] != null && km[i] != keyManager) {
                    leftAlone.add("key manager " + km[i].getClass().getName()
                            + whyNot(current, " holds no" + " certificate with the workload key"));
                }
            }
        }
        if (tm != null) {
            for (int i = 0; i < tm.length; i++) {
                String reason = meshBundleTrustedBy(tm[i], current);
                if (reason != null) {
                    tm[i] = trustManager;
                    adopted.add(reason);
                } else if (tm[i] != null && tm[i] != trustManager) {
                    leftAlone.add("trust manager " + tm[i].getClass().getName()
                            + whyNot(current, " trusts other CAs" + " than exactly the mesh bundle"));
                }
            }
        }
        return new Adoption(km, tm, adopted, leftAlone);
    }

    private static String whyNot(Optional<WorkloadCredentials> current, String mismatch) {
        return current.isPresent() ? mismatch : ": no workload credentials are loaded to compare it with";
    }

    /**
     * What takes the place of {@code candidate} when it holds the workload key, and why; null when it does not (or is
     * already the agent's). A key manager holding only the workload key becomes the agent's; one that also holds keys
     * of its own (another host name, chosen by SNI) keeps them, with only the aliases of the workload key answered by
     * the agent's ({@link MeshAliasKeyManager}).
     */
    private KeyAdoption meshKeyHeldBy(KeyManager candidate, Optional<WorkloadCredentials> current) {
        if (!(candidate instanceof X509KeyManager)
                || candidate == keyManager
                || candidate instanceof MeshAliasKeyManager
                || !current.isPresent()) {
            return null;
        }
        X509Certificate currentLeaf = current.get().identity().certificate();
        List<X509Certificate> known = workloadLeaves(current.get());
        X509KeyManager manager = (X509KeyManager) candidate;
        List<X509Certificate> meshLeaves = new ArrayList<>();
        List<String> ownAliases = new ArrayList<>();
        String why = null;
        for (String alias : aliases(manager)) {
            X509Certificate[] chain = chainOf(manager, alias);
            if (chain == null || chain.length == 0 || chain[0] == null) {
                continue;
            }
            X509Certificate leaf = workloadLeafWithKeyOf(chain[0], known);
            if (leaf == null) {
                ownAliases.add("'" + alias + "' (" + describe(chain[0]) + ")");
                continue;
            }
            meshLeaves.add(chain[0]);
            if (why == null) {
                why = "key manager " + candidate.getClass().getName() + " (alias '" + alias + "') holds "
                        + describe(chain[0]) + " with the key of the "
                        + (leaf == currentLeaf ? "current" : "previous") + " workload certificate "
                        + describe(leaf) + ": rotation now reaches it";
            }
        }
        if (meshLeaves.isEmpty()) {
            return null;
        }
        if (ownAliases.isEmpty()) {
            return new KeyAdoption(keyManager, why);
        }
        return new KeyAdoption(
                new MeshAliasKeyManager(manager, meshLeaves, keyManager),
                why + "; its other keys stay the application's, chosen by SNI and key type as before: "
                        + String.join(", ", ownAliases));
    }

    private static X509Certificate workloadLeafWithKeyOf(X509Certificate certificate, List<X509Certificate> known) {
        for (X509Certificate leaf : known) {
            if (sameKey(certificate.getPublicKey(), leaf.getPublicKey())) {
                return leaf;
            }
        }
        return null;
    }

    /** A key manager adopted, and why. */
    private static final class KeyAdoption {
        final KeyManager replacement;
        final String reason;

        KeyAdoption(KeyManager replacement, String reason) {
            this.replacement = replacement;
            this.reason = reason;
        }
    }

    /**
     * Why {@code candidate} trusts exactly a mesh bundle, or null when it does not (or is already the agent's).
     * Workload certificates among its anchors do not count: they are there when the application's key store
     * (the workload key and the bundle, as {@code meshless issue --pkcs12} writes it) is also its trust store.
     */
    private String meshBundleTrustedBy(TrustManager candidate, Optional<WorkloadCredentials> current) {
        if (!(candidate instanceof X509TrustManager) || candidate == trustManager || !current.isPresent()) {
            return null;
        }
        Set<X509Certificate> accepted = acceptedIssuers((X509TrustManager) candidate);
        // A key store used as the trust store (Jetty's default without one) also anchors its own leaf.
        boolean keyStoreAsTrustStore = accepted.removeAll(workloadLeaves(current.get()));
        if (accepted.isEmpty()) {
            return null;
        }
        WorkloadCredentials c = current.get();
        String bundle = null;
        if (accepted.equals(new HashSet<>(c.trustBundle().certificates()))) {
            bundle = "ca.crt";
        } else if (c.clientTrustBundle().isPresent()
                && accepted.equals(new HashSet<>(c.clientTrustBundle().get().certificates()))) {
            bundle = "client-ca.crt";
        }
        if (bundle == null) {
            return null;
        }
        return "trust manager " + candidate.getClass().getName() + " trusts exactly the mesh bundle " + bundle + " ("
                + accepted.size() + " CA(s)"
                + (keyStoreAsTrustStore ? ", and the workload certificate of the key store" : "")
                + "): peers now get SPIFFE authorization (allowed-peers) and the mode's client authentication";
    }

    /** The current workload leaf first, then those the agent rotated away from, newest first. */
    private List<X509Certificate> workloadLeaves(WorkloadCredentials current) {
        List<X509Certificate> leaves = new ArrayList<>();
        leaves.add(current.identity().certificate());
        List<X509Certificate> retired = new ArrayList<>(retiredLeaves.get());
        Collections.reverse(retired);
        leaves.addAll(retired);
        return leaves;
    }

    private static Set<String> aliases(X509KeyManager manager) {
        Set<String> aliases = new LinkedHashSet<>();
        for (String type : KEY_TYPES) {
            try {
                addAll(aliases, manager.getServerAliases(type, null));
                addAll(aliases, manager.getClientAliases(type, null));
            } catch (RuntimeException e) {
                // An application's key manager that cannot list a type simply has none of it.
            }
        }
        return aliases;
    }

    private static void addAll(Set<String> into, String[] aliases) {
        if (aliases != null) {
            for (String alias : aliases) {
                if (alias != null) {
                    into.add(alias);
                }
            }
        }
    }

    private static X509Certificate[] chainOf(X509KeyManager manager, String alias) {
        try {
            return manager.getCertificateChain(alias);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Set<X509Certificate> acceptedIssuers(X509TrustManager manager) {
        try {
            X509Certificate[] issuers = manager.getAcceptedIssuers();
            return issuers == null ? new HashSet<>() : new HashSet<>(Arrays.asList(issuers));
        } catch (RuntimeException e) {
            return new HashSet<>();
        }
    }

    /** By encoding: a key parsed by another provider (Bouncy Castle, a PKCS#12 loader) is not {@code equals}. */
    private static boolean sameKey(PublicKey a, PublicKey b) {
        return a != null && b != null && Arrays.equals(a.getEncoded(), b.getEncoded());
    }

    private static String describe(X509Certificate certificate) {
        return MeshTrustManager.describe(certificate);
    }

    /** One decision: the managers to use instead, and why. Immutable. */
    public static final class Adoption {
        private final KeyManager[] keyManagers;
        private final TrustManager[] trustManagers;
        private final List<String> adopted;
        private final List<String> leftAlone;

        Adoption(KeyManager[] keyManagers, TrustManager[] trustManagers, List<String> adopted, List<String> leftAlone) {
            this.keyManagers = keyManagers;
            this.trustManagers = trustManagers;
            this.adopted = Collections.unmodifiableList(new ArrayList<>(adopted));
            this.leftAlone = Collections.unmodifiableList(new ArrayList<>(leftAlone));
        }

        /** The key managers to use (a copy; null when none were given). */
        public KeyManager[] keyManagers() {
            return keyManagers == null ? null : keyManagers.clone();
        }

        /** The trust managers to use (a copy; null when none were given). */
        public TrustManager[] trustManagers() {
            return trustManagers == null ? null : trustManagers.clone();
        }

        /** True when any manager was replaced by the agent's. */
        public boolean adoptedAny() {
            return !adopted.isEmpty();
        }

        /** Why each adopted manager was adopted. */
        public List<String> adopted() {
            return adopted;
        }

        /** Why each manager of the application's own was left alone. */
        public List<String> leftAlone() {
            return leftAlone;
        }

        void log(Supplier<String> where) {
            if (!adopted.isEmpty()) {
                LOG.info("{} for {}: {}", ADOPTED, where.get(), String.join("; ", adopted));
            }
            if (!leftAlone.isEmpty() && LOG.isDebugEnabled()) {
                LOG.debug("{} for {}: {}", LEFT_ALONE, where.get(), String.join("; ", leftAlone));
            }
        }
    }
}
