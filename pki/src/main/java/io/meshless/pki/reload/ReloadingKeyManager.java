package io.meshless.pki.reload;

import io.meshless.pki.WorkloadCredentials;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents the current identity of a {@link CredentialSource}, read afresh on every handshake, so
 * a rotated certificate is used by the next handshake without rebuilding any SSLContext. Without
 * material, or when the key is not of the type a handshake asks for, the choose methods return
 * null and the handshake fails closed rather than going on without a certificate.
 *
 * <p>JSSE asks for an alias first and for the chain and the key by that alias afterwards. The alias
 * names the certificate set it was chosen from ({@value #ALIAS_PREFIX} + serial), and the last few
 * sets stay reachable by alias, so a rotation landing between those calls cannot pair the new key
 * with the old chain: each handshake sees one snapshot, never a mix.
 *
 * <p>This is on the handshake path: no locks, and no allocation while the identity is unchanged.
 * Certificate authorities a peer names are not used to filter: peers in a mesh may trust several
 * CAs during a rotation, and the peer's own verification decides.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
    public static final String ALIAS_PREFIX = "meshless-";

    /** Enough for rotations far faster than any handshake; older aliases resolve to nothing. */
    private static final int REMEMBERED_SETS = 4;

    private final CredentialSource source;

    /** Newest first; replaced as a whole (copy on write), read without locks. */
    private volatile Chosen[] recent = new Chosen[0];

    public ReloadingKeyManager(CredentialSource source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    /** The alias a handshake starting now would get, or empty without material. */
    public Optional<String> currentAlias() {
        return source.current().map(this::aliasOf);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        WorkloadCredentials c = source.current().orElse(null);
        return matches(c, keyType) ? new String[] {aliasOf(c)} : null;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return choose(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return choose(keyTypes);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return chooseOne(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return chooseOne(keyType);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        WorkloadCredentials c = byAlias(alias);
        return c == null ? null : c.identity().chainArray();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        WorkloadCredentials c = byAlias(alias);
        return c == null ? null : c.identity().privateKey();
    }

    private String chooseOne(String keyType) {
        WorkloadCredentials c = source.current().orElse(null);
        return matches(c, keyType) ? aliasOf(c) : null;
    }

    private String choose(String[] keyTypes) {
        WorkloadCredentials c = source.current().orElse(null);
        if (c == null || keyTypes == null) {
            return null;
        }
        for (String keyType : keyTypes) {
            if (matches(c, keyType)) {
                return aliasOf(c);
            }
        }
        return null;
    }

    private String aliasOf(WorkloadCredentials c) {
        Chosen[] known = recent;
        for (Chosen chosen : known) {
            if (chosen.credentials == c) {
                return chosen.alias;
            }
        }
        return remember(c);
    }

    private synchronized String remember(WorkloadCredentials c) {
        Chosen[] known = recent;
        for (Chosen chosen : known) {
            if (chosen.credentials == c) {
                return chosen.alias;
            }
        }
        Chosen[] next = new Chosen[Math.min(known.length + 1, REMEMBERED_SETS)];
        next[0] = new Chosen(ALIAS_PREFIX + c.serialHex(), c);
        System.arraycopy(known, 0, next, 1, next.length - 1);
        recent = next;
        return next[0].alias;
    }

    private WorkloadCredentials byAlias(String alias) {
        if (alias == null) {
            return null;
        }
        for (Chosen chosen : recent) {
            if (chosen.alias.equals(alias)) {
                return chosen.credentials;
            }
        }
        return null;
    }

    private static final class Chosen {
        final String alias;
        final WorkloadCredentials credentials;

        Chosen(String alias, WorkloadCredentials credentials) {
            this.alias = alias;
            this.credentials = credentials;
        }
    }

    /**
     * JSSE key types are the key algorithm ("EC", "RSA", "EdDSA", "RSASSA-PSS"), for TLS 1.2 servers
     * possibly with the issuer's signature algorithm appended ("EC_EC", "EC_RSA"); only the key part
     * is matched.
     */
    static boolean matches(WorkloadCredentials c, String keyType) {
        if (c == null || keyType == null) {
            return false;
        }
        String want = keyType;
        int underscore = want.indexOf('_');
        if (underscore > 0) {
            want = want.substring(0, underscore);
        }
        String have = c.identity().privateKey().getAlgorithm();
        if (have.equals(want)) {
            return true;
        }
        switch (have) {
            case "ECDSA":
                return want.equals("EC");
            case "Ed25519":
            case "Ed448":
                return want.equals("EdDSA") || want.equals(have);
            case "EdDSA":
                return want.equals("Ed25519") || want.equals("Ed448");
            default:
                return false;
        }
    }
}
