package io.meshless.agent.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;

/**
 * An application's key manager that holds the workload key beside keys of its own (a PKCS#12 with the workload
 * certificate and a public certificate for another host name, chosen by SNI): the aliases holding the workload key
 * are answered by the agent's reloading key manager, so they rotate; every other alias stays the application's.
 *
 * <p>The application's key manager still chooses, by SNI and key type as it always did. When it chooses one of its
 * own keys that does not name the requested server name (no SNI: a mesh client calling by address; or its copy of the
 * workload certificate has expired, which a JDK key manager ranks below a valid certificate for another name), the
 * workload certificate answers instead, as it would have before that copy went stale.
 */
final class MeshAliasKeyManager extends X509ExtendedKeyManager {
    private final X509KeyManager application;
    /**
     * The encoded public keys of the application's certificates that hold the workload key. By key, not by alias: the
     * JDK's PKIX key manager names the same entry differently on every call ({@code <counter>.<store>.<alias>}).
     */
    private final List<byte[]> meshKeys;

    private final X509ExtendedKeyManager agent;

    /**
     * @param application the application's key manager
     * @param meshLeaves  its certificates that have the workload key (current or recently rotated away from)
     * @param agent       the agent's reloading key manager
     */
    MeshAliasKeyManager(
            X509KeyManager application, Collection<X509Certificate> meshLeaves, X509ExtendedKeyManager agent) {
        this.application = Objects.requireNonNull(application, "application");
        List<byte[]> keys = new ArrayList<>();
        for (X509Certificate leaf : meshLeaves) {
            keys.add(leaf.getPublicKey().getEncoded());
        }
        this.meshKeys = Collections.unmodifiableList(keys);
        this.agent = Objects.requireNonNull(agent, "agent");
    }

    /** The application's key manager this one answers for. */
    X509KeyManager application() {
        return application;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return merged(application.getClientAliases(keyType, issuers), agent.getClientAliases(keyType, issuers));
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return merged(application.getServerAliases(keyType, issuers), agent.getServerAliases(keyType, issuers));
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        String chosen = application.chooseClientAlias(keyTypes, issuers, socket);
        return isMesh(chosen) ? agent.chooseClientAlias(keyTypes, issuers, socket) : chosen;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        String chosen = application instanceof X509ExtendedKeyManager
                ? ((X509ExtendedKeyManager) application).chooseEngineClientAlias(keyTypes, issuers, engine)
                : application.chooseClientAlias(keyTypes, issuers, null);
        return isMesh(chosen) ? agent.chooseEngineClientAlias(keyTypes, issuers, engine) : chosen;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        String chosen = application.chooseServerAlias(keyType, issuers, socket);
        if (keepsApplicationsChoice(chosen, requestedNames(socket))) {
            return chosen;
        }
        String mesh = agent.chooseServerAlias(keyType, issuers, socket);
        return mesh != null ? mesh : chosen;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        String chosen = application instanceof X509ExtendedKeyManager
                ? ((X509ExtendedKeyManager) application).chooseEngineServerAlias(keyType, issuers, engine)
                : application.chooseServerAlias(keyType, issuers, null);
        if (keepsApplicationsChoice(chosen, requestedNames(engine == null ? null : engine.getHandshakeSession()))) {
            return chosen;
        }
        String mesh = agent.chooseEngineServerAlias(keyType, issuers, engine);
        return mesh != null ? mesh : chosen;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        X509Certificate[] mesh = agent.getCertificateChain(alias);
        return mesh != null ? mesh : application.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        PrivateKey mesh = agent.getPrivateKey(alias);
        return mesh != null ? mesh : application.getPrivateKey(alias);
    }

    /** The application chose one of its own keys, and that key's certificate names the server name asked for. */
    private boolean keepsApplicationsChoice(String chosen, List<String> requestedNames) {
        if (chosen == null || requestedNames.isEmpty() || isMesh(chosen)) {
            return false;
        }
        X509Certificate[] chain = application.getCertificateChain(chosen);
        return chain != null && chain.length > 0 && namesAny(chain[0], requestedNames);
    }

    /** Whether the application's {@code alias} names a certificate with the workload key. */
    private boolean isMesh(String alias) {
        if (alias == null) {
            return false;
        }
        X509Certificate[] chain = application.getCertificateChain(alias);
        if (chain == null || chain.length == 0 || chain[0] == null) {
            return false;
        }
        byte[] key = chain[0].getPublicKey().getEncoded();
        for (byte[] mesh : meshKeys) {
            if (Arrays.equals(mesh, key)) {
                return true;
            }
        }
        return false;
    }

    /** The application's aliases with its copies of the workload key replaced by the agent's current alias. */
    private String[] merged(String[] applications, String[] agents) {
        List<String> aliases = new ArrayList<>();
        if (applications != null) {
            for (String alias : applications) {
                if (!isMesh(alias)) {
                    aliases.add(alias);
                }
            }
        }
        if (agents != null) {
            aliases.addAll(List.of(agents));
        }
        return aliases.isEmpty() ? null : aliases.toArray(new String[0]);
    }

    private static List<String> requestedNames(Socket socket) {
        return socket instanceof SSLSocket ? requestedNames(((SSLSocket) socket).getHandshakeSession()) : List.of();
    }

    /** The SNI host names the client sent, lower case ASCII. */
    static List<String> requestedNames(SSLSession session) {
        if (!(session instanceof ExtendedSSLSession)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try {
            for (SNIServerName name : ((ExtendedSSLSession) session).getRequestedServerNames()) {
                if (name instanceof SNIHostName) {
                    names.add(((SNIHostName) name).getAsciiName().toLowerCase(Locale.ROOT));
                }
            }
        } catch (UnsupportedOperationException e) {
            // a session of another provider that does not know SNI: none requested
        }
        return names;
    }

    /** Whether a DNS SAN of {@code certificate} (a {@code *.} wildcard covering one label) names one of {@code hosts}. */
    static boolean namesAny(X509Certificate certificate, List<String> hosts) {
        Collection<List<?>> sans;
        try {
            sans = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return false;
        }
        if (sans == null) {
            return false;
        }
        for (List<?> san : sans) {
            if (Integer.valueOf(2).equals(san.get(0))) {
                String dns = String.valueOf(san.get(1)).toLowerCase(Locale.ROOT);
                for (String host : hosts) {
                    if (dns.equals(host) || wildcardCovers(dns, host)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean wildcardCovers(String pattern, String host) {
        if (!pattern.startsWith("*.")) {
            return false;
        }
        int dot = host.indexOf('.');
        return dot > 0 && host.substring(dot).equals(pattern.substring(1));
    }
}
