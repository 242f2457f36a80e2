package io.meshless.pki;

import io.meshless.pki.internal.Crypto;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority: its certificate and key, and a clock. Issues intermediates and leaf
 * certificates with SPIFFE URI SANs, EKU serverAuth+clientAuth and random 128-bit serials.
 */
public final class CertificateAuthority {
  private final HeldCertificate held;
  private final Clock clock;
  private final KeyType keyType;

  public CertificateAuthority(HeldCertificate caMaterial, Clock clock) {
    this.held = Objects.requireNonNull(caMaterial, "caMaterial");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (caMaterial.certificate().getBasicConstraints() < 0) {
      throw new IllegalArgumentException("certificate " + caMaterial.certificate().getSubjectX500Principal()
          + " is not a CA certificate (basicConstraints CA:FALSE)");
    }
    this.keyType = KeyType.of(caMaterial.certificate().getPublicKey()).orElse(null);
  }

  /** A self-signed root CA valid from the clock's now for {@code lifetime}. */
  public static CertificateAuthority createRoot(String commonName, Duration lifetime, KeyType keyType, Clock clock) {
    KeyPair kp = keyType.generate();
    X500Name name = cn(commonName);
    Instant from = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    X509Certificate cert = sign(name, kp.getPublic(), name, kp.getPrivate(), keyType.signatureAlgorithm(), from,
        from.plus(lifetime), true, null, kp.getPublic(), null);
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(cert);
    return new CertificateAuthority(new HeldCertificate(kp.getPrivate(), chain), clock);
  }

  public HeldCertificate held() {
    return held;
  }

  public X509Certificate certificate() {
    return held.certificate();
  }

  public Clock clock() {
    return clock;
  }

  /** An intermediate CA signed by this one; its chain is the intermediate followed by this CA's chain. */
  public CertificateAuthority createIntermediate(String commonName, Duration lifetime, KeyType keyType) {
    KeyPair kp = keyType.generate();
    Instant from = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    X509Certificate cert = sign(cn(commonName), kp.getPublic(), issuerName(), held.privateKey(),
        signatureAlgorithm(), from, from.plus(lifetime), true, null, certificate().getPublicKey(), null);
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(cert);
    chain.addAll(held.chain());
    return new CertificateAuthority(new HeldCertificate(kp.getPrivate(), chain), clock);
  }

  /** A leaf for {@code spec}; the chain is the leaf, then this CA's chain without a self-signed root. */
  public HeldCertificate issue(LeafSpec spec) {
    KeyPair kp = spec.keyType().generate();
    Instant from = spec.notBefore().orElse(clock.instant()).truncatedTo(ChronoUnit.SECONDS);
    List<GeneralName> sans = new ArrayList<>();
    spec.spiffeId().ifPresent(id -> sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, id.toString())));
    for (String dns : spec.dnsNames()) {
      sans.add(new GeneralName(GeneralName.dNSName, dns));
    }
    for (String ip : spec.ipAddresses()) {
      sans.add(new GeneralName(GeneralName.iPAddress, ip));
    }
    X500Name subject = spec.commonName().map(CertificateAuthority::cn).orElse(new X500Name(new org.bouncycastle.asn1.x500.RDN[0]));
    boolean rsa = spec.keyType().name().startsWith("RSA");
    X509Certificate leaf = sign(subject, kp.getPublic(), issuerName(), held.privateKey(), signatureAlgorithm(), from,
        from.plus(spec.lifetime()), false, sans.isEmpty() ? null : new GeneralNames(sans.toArray(new GeneralName[0])),
        certificate().getPublicKey(), rsa ? Boolean.TRUE : Boolean.FALSE);
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(leaf);
    for (X509Certificate c : held.chain()) {
      if (!isSelfSigned(c)) {
        chain.add(c);
      }
    }
    return new HeldCertificate(kp.getPrivate(), chain);
  }

  private X500Name issuerName() {
    return X500Name.getInstance(certificate().getSubjectX500Principal().getEncoded());
  }

  private String signatureAlgorithm() {
    if (keyType != null) {
      return keyType.signatureAlgorithm();
    }
    String alg = held.privateKey().getAlgorithm();
    if (alg.equals("EC")) {
      return "SHA384withECDSA";
    }
    if (alg.equals("RSA")) {
      return "SHA256withRSA";
    }
    return alg;
  }

  static boolean isSelfSigned(X509Certificate c) {
    if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
      return false;
    }
    try {
      c.verify(c.getPublicKey());
      return true;
    } catch (Exception e) {
      try {
        c.verify(c.getPublicKey(), Crypto.bouncyCastle());
        return true;
      } catch (Exception e2) {
        return false;
      }
    }
  }

  private static X500Name cn(String commonName) {
    if (commonName == null || commonName.trim().isEmpty()) {
      throw new IllegalArgumentException("common name is empty");
    }
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
  }

  private static X509Certificate sign(X500Name subject, PublicKey subjectKey, X500Name issuer, PrivateKey issuerKey,
      String sigAlg, Instant from, Instant to, boolean ca, GeneralNames sans, PublicKey issuerPublicKey,
      Boolean leafRsa) {
    try {
      BigInteger serial;
      do {
        serial = new BigInteger(128, Crypto.random());
      } while (serial.signum() == 0);
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serial, Date.from(from), Date.from(to),
          subject, subjectKey);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey));
      if (!subject.equals(issuer) || !ca) {
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerPublicKey));
      }
      if (ca) {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign
            | KeyUsage.digitalSignature));
      } else {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        int usage = KeyUsage.digitalSignature | (Boolean.TRUE.equals(leafRsa) ? KeyUsage.keyEncipherment : 0);
        b.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
        b.addExtension(Extension.extendedKeyUsage, false,
            new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      }
      if (sans != null) {
        // RFC 5280 4.2.1.6: the SAN is critical when the subject is empty.
        b.addExtension(Extension.subjectAlternativeName, subject.getRDNs().length == 0, sans);
      }
      ContentSigner signer = new JcaContentSignerBuilder(sigAlg).setProvider(Crypto.bouncyCastle()).build(issuerKey);
      X509CertificateHolder holder = b.build(signer);
      return CertificateReader.single(holder.getEncoded(), "issued certificate", "issued certificate");
    } catch (Exception e) {
      throw new IllegalStateException("cannot sign a certificate for " + subject + ": " + e.getMessage(), e);
    }
  }
}
