package io.meshless.pki.reload;

import io.meshless.pki.WorkloadCredentials;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents the current identity of a {@link CredentialSource}, read afresh on every handshake, so
 * a rotated certificate is used by the next handshake without rebuilding any SSLContext. One alias,
 * {@value #ALIAS}. Without material, or when the key is not of the type a handshake asks for, the
 * choose methods return null and the handshake fails closed rather than going on without a
 * certificate.
 *
 * <p>This is on the handshake path: no locks, no copies beyond the chain array JSSE owns.
 * Certificate authorities a peer names are not used to filter: peers in a mesh may trust several
 * CAs during a rotation, and the peer's own verification decides.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
  public static final String ALIAS = "meshless";

  private final CredentialSource source;

  public ReloadingKeyManager(CredentialSource source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return matches(source.current().orElse(null), keyType) ? new String[] {ALIAS} : null;
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
    return matches(source.current().orElse(null), keyType) ? ALIAS : null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return matches(source.current().orElse(null), keyType) ? ALIAS : null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    WorkloadCredentials c = ALIAS.equals(alias) ? source.current().orElse(null) : null;
    return c == null ? null : c.identity().chainArray();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    WorkloadCredentials c = ALIAS.equals(alias) ? source.current().orElse(null) : null;
    return c == null ? null : c.identity().privateKey();
  }

  private String choose(String[] keyTypes) {
    WorkloadCredentials c = source.current().orElse(null);
    if (c == null || keyTypes == null) {
      return null;
    }
    for (String keyType : keyTypes) {
      if (matches(c, keyType)) {
        return ALIAS;
      }
    }
    return null;
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
