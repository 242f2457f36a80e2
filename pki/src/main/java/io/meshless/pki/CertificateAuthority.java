package io.meshless.pki;

import io.meshless.pki.internal.Crypto;
import io.meshless.pki.internal.NamedCurve;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority: its certificate and key, and a clock. Issues intermediates and leaf
 * certificates with SPIFFE URI SANs, EKU serverAuth+clientAuth and random 128-bit serials.
 */
public final class CertificateAuthority {
    private static final DefaultSignatureAlgorithmIdentifierFinder SIGNATURE_IDS =
            new DefaultSignatureAlgorithmIdentifierFinder();
    private static final DefaultDigestAlgorithmIdentifierFinder DIGEST_IDS =
            new DefaultDigestAlgorithmIdentifierFinder();
    private static final DateTimeFormatter UTC_TIME =
            DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter GENERALIZED_TIME =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final HeldCertificate held;
    private final Clock clock;
    private final KeyType keyType;

    public CertificateAuthority(HeldCertificate caMaterial, Clock clock) {
        this.held = Objects.requireNonNull(caMaterial, "caMaterial");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (caMaterial.certificate().getBasicConstraints() < 0) {
            throw new IllegalArgumentException(
                    "certificate " + caMaterial.certificate().getSubjectX500Principal()
                            + " is not a CA certificate (basicConstraints CA:FALSE)");
        }
        this.keyType = KeyType.of(caMaterial.certificate().getPublicKey()).orElse(null);
    }

    /** A self-signed root CA valid from the clock's now for {@code lifetime}. */
    public static CertificateAuthority createRoot(String commonName, Duration lifetime, KeyType keyType, Clock clock) {
        KeyPair kp = keyType.generate();
        X500Name name = cn(commonName);
        Instant from = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        X509Certificate cert = sign(
                name,
                kp.getPublic(),
                name,
                kp.getPrivate(),
                keyType.signatureAlgorithm(),
                from,
                from.plus(lifetime),
                true,
                null,
                kp.getPublic(),
                null);
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
        X509Certificate cert = sign(
                cn(commonName),
                kp.getPublic(),
                issuerName(),
                held.privateKey(),
                signatureAlgorithm(),
                from,
                from.plus(lifetime),
                true,
                null,
                certificate().getPublicKey(),
                null);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(cert);
        chain.addAll(held.chain());
        return new CertificateAuthority(new HeldCertificate(kp.getPrivate(), chain), clock);
    }

    /** A leaf for {@code spec}; the chain is the leaf, then this CA's chain without a self-signed root. */
    public HeldCertificate issue(LeafSpec spec) {
        KeyPair kp = spec.keyType().generate();
        return new HeldCertificate(kp.getPrivate(), certify(kp.getPublic(), spec));
    }

    /**
     * A leaf for a key held elsewhere (a Kubernetes Pod Certificate: kubelet keeps the private key on
     * the node); {@code spec}'s key type is ignored, the key's own algorithm decides. Returns the
     * chain: the leaf, then this CA's chain without a self-signed root.
     */
    public List<X509Certificate> certify(PublicKey subjectKey, LeafSpec spec) {
        Instant from = spec.notBefore().orElse(clock.instant()).truncatedTo(ChronoUnit.SECONDS);
        List<GeneralName> sans = new ArrayList<>();
        spec.spiffeId()
                .ifPresent(id -> sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, id.toString())));
        for (String dns : spec.dnsNames()) {
            sans.add(new GeneralName(GeneralName.dNSName, dns));
        }
        for (String ip : spec.ipAddresses()) {
            sans.add(new GeneralName(GeneralName.iPAddress, ip));
        }
        X500Name subject = spec.commonName()
                .map(CertificateAuthority::cn)
                .orElse(new X500Name(new org.bouncycastle.asn1.x500.RDN[0]));
        boolean rsa = subjectKey.getAlgorithm().equals("RSA");
        X509Certificate leaf = sign(
                subject,
                subjectKey,
                issuerName(),
                held.privateKey(),
                signatureAlgorithm(),
                from,
                from.plus(spec.lifetime()),
                false,
                sans.isEmpty() ? null : new GeneralNames(sans.toArray(new GeneralName[0])),
                certificate().getPublicKey(),
                rsa ? Boolean.TRUE : Boolean.FALSE);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        for (X509Certificate c : held.chain()) {
            if (!isSelfSigned(c)) {
                chain.add(c);
            }
        }
        return chain;
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

    /**
     * ECDSA with a P-256/P-384 key goes through Bouncy Castle's lightweight signer on the shared curve
     * parameters (see {@link NamedCurve} for why: the JCA path cost 1.2 ms per signature), the nonce from the
     * library's SecureRandom. RSA keys sign with the JDK's provider when it takes them (SunRsaSign: 1.2 ms per
     * 2048-bit signature against Bouncy Castle's 1.34 ms). Everything else (Ed25519, other curves, keys that do
     * not reveal their scalar) signs with Bouncy Castle's provider as before: SunEC accepts a key on a curve it
     * dropped (secp256k1) at initSign and only fails when signing.
     */
    private static ContentSigner contentSigner(String sigAlg, PrivateKey issuerKey) throws OperatorCreationException {
        if (sigAlg.equals("SHA256withECDSA") || sigAlg.equals("SHA384withECDSA")) {
            Optional<ECPrivateKeyParameters> ec = NamedCurve.signingKey(issuerKey);
            if (ec.isPresent()) {
                AlgorithmIdentifier sigId = SIGNATURE_IDS.find(sigAlg);
                return new BcECContentSignerBuilder(sigId, DIGEST_IDS.find(sigId))
                        .setSecureRandom(Crypto.random())
                        .build(ec.get());
            }
        }
        if (issuerKey instanceof RSAPrivateKey && sigAlg.equals("SHA256withRSA")) {
            try {
                return new JcaContentSignerBuilder(sigAlg).build(issuerKey);
            } catch (OperatorCreationException | RuntimeException jdkRefuses) {
                // fall through to Bouncy Castle
            }
        }
        return new JcaContentSignerBuilder(sigAlg)
                .setProvider(Crypto.bouncyCastle())
                .setSecureRandom(Crypto.random())
                .build(issuerKey);
    }

    /**
     * The certificate time encoding of {@link Time#Time(Date)} (RFC 5280 4.1.2.5: UTCTime for 1950 to 2049,
     * GeneralizedTime otherwise, whole seconds, "Z"), written with java.time: {@code Time(Date)} formats with a new
     * SimpleDateFormat and parses the result with another one to check it: 5-7% of an issuance for two dates.
     */
    static Time time(Instant t) throws IOException {
        int year = t.atOffset(ZoneOffset.UTC).getYear();
        if (year < 1 || year > 9999) {
            return new Time(Date.from(t));
        }
        boolean utc = year >= 1950 && year <= 2049;
        byte[] text = (utc ? UTC_TIME : GENERALIZED_TIME).format(t).getBytes(StandardCharsets.US_ASCII);
        byte[] der = new byte[text.length + 2];
        der[0] = (byte) (utc ? BERTags.UTC_TIME : BERTags.GENERALIZED_TIME);
        der[1] = (byte) text.length;
        System.arraycopy(text, 0, der, 2, text.length);
        return new Time(ASN1Primitive.fromByteArray(der));
    }

    private static X500Name cn(String commonName) {
        if (commonName == null || commonName.trim().isEmpty()) {
            throw new IllegalArgumentException("common name is empty");
        }
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, commonName)
                .build();
    }

    private static X509Certificate sign(
            X500Name subject,
            PublicKey subjectKey,
            X500Name issuer,
            PrivateKey issuerKey,
            String sigAlg,
            Instant from,
            Instant to,
            boolean ca,
            GeneralNames sans,
            PublicKey issuerPublicKey,
            Boolean leafRsa) {
        try {
            BigInteger serial;
            do {
                serial = new BigInteger(128, Crypto.random());
            } while (serial.signum() == 0);
            X509v3CertificateBuilder b = new X509v3CertificateBuilder(
                    issuer,
                    serial,
                    time(from),
                    time(to),
                    subject,
                    SubjectPublicKeyInfo.getInstance(subjectKey.getEncoded()));
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey));
            if (!subject.equals(issuer) || !ca) {
                b.addExtension(
                        Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerPublicKey));
            }
            if (ca) {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                b.addExtension(
                        Extension.keyUsage,
                        true,
                        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            } else {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                int usage = KeyUsage.digitalSignature | (Boolean.TRUE.equals(leafRsa) ? KeyUsage.keyEncipherment : 0);
                b.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                    KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                }));
            }
            if (sans != null) {
                // RFC 5280 4.2.1.6: the SAN is critical when the subject is empty.
                b.addExtension(Extension.subjectAlternativeName, subject.getRDNs().length == 0, sans);
            }
            X509CertificateHolder holder = b.build(contentSigner(sigAlg, issuerKey));
            // Bouncy Castle encoded these bytes a moment ago: the JDK's parse is the conversion to X509Certificate, the
            // strict Bouncy Castle pre-parse CertificateReader gives untrusted input would only repeat work (4% of an
            // issuance once key generation and signing were fast).
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign a certificate for " + subject + ": " + e.getMessage(), e);
        }
    }
}
