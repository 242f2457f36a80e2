package io.meshless.pki;

import io.meshless.pki.internal.Crypto;
import io.meshless.pki.internal.Files2;
import io.meshless.pki.internal.PemBlock;
import java.io.StringReader;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads one private key: PKCS#8 ({@code PRIVATE KEY}), encrypted PKCS#8 ({@code ENCRYPTED PRIVATE
 * KEY}), PKCS#1 ({@code RSA PRIVATE KEY}), SEC1 ({@code EC PRIVATE KEY}, with or without an
 * {@code EC PARAMETERS} block), the legacy OpenSSL encryption of the last two ({@code Proc-Type:
 * 4,ENCRYPTED}, what {@code openssl genrsa -aes256} writes), and the same structures as binary DER.
 * RSA, EC and Ed25519 keys. Keys are returned as JDK key objects where the JDK supports the
 * algorithm, so JSSE uses them natively.
 */
public final class PrivateKeyReader {
    private PrivateKeyReader() {}

    public static PrivateKey read(Path file, char[] passwordOrNull) throws PkiException {
        return parse(Files2.read(file), passwordOrNull, file.toString());
    }

    public static PrivateKey parse(byte[] data, char[] passwordOrNull, String source) throws PkiException {
        PemBlock.checkSize(data, source);
        if (PemBlock.looksLikePem(data)) {
            return parsePem(data, passwordOrNull, source);
        }
        return parseDer(data, passwordOrNull, source);
    }

    private static PrivateKey parsePem(byte[] data, char[] password, String source) throws PkiException {
        List<PemBlock> blocks = PemBlock.parseAll(data, source);
        List<PemBlock> keys = new ArrayList<>();
        PemBlock ecParameters = null;
        Set<String> others = new LinkedHashSet<>();
        for (PemBlock b : blocks) {
            switch (b.type()) {
                case "PRIVATE KEY":
                case "ENCRYPTED PRIVATE KEY":
                case "RSA PRIVATE KEY":
                case "EC PRIVATE KEY":
                    keys.add(b);
                    break;
                case "EC PARAMETERS":
                    ecParameters = b;
                    break;
                default:
                    others.add(b.type());
            }
        }
        if (keys.isEmpty()) {
            if (others.contains("OPENSSH PRIVATE KEY")) {
                throw new PkiException(
                        source,
                        "OpenSSH key format is not supported; convert it with "
                                + "'ssh-keygen -p -m PKCS8 -f FILE' or 'openssl pkey -in FILE -out key.pem'");
            }
            if (others.contains("DSA PRIVATE KEY")) {
                throw new PkiException(source, "DSA keys are not supported; use EC P-256, RSA or Ed25519");
            }
            throw new PkiException(
                    source,
                    others.isEmpty()
                            ? "contains no PEM block"
                            : "contains no private key (found " + String.join(", ", others) + ")");
        }
        if (keys.size() > 1) {
            throw new PkiException(
                    source,
                    "contains " + keys.size() + " private keys (lines "
                            + keys.get(0).line() + " and " + keys.get(1).line() + "); expected exactly one");
        }
        PemBlock key = keys.get(0);
        String where = source + " " + key.type() + " on line " + key.line();
        boolean legacyEncrypted = key.headers().containsKey("Proc-Type")
                && key.headers().get("Proc-Type").contains("ENCRYPTED");
        switch (key.type()) {
            case "PRIVATE KEY":
                PrivateKey jdk = jdkPkcs8(key.der());
                return jdk != null ? jdk : fromInfo(pkcs8(key.der(), where), where);
            case "ENCRYPTED PRIVATE KEY":
                return fromInfo(decrypt(encryptedPkcs8(key.der(), where), password, where), where);
            case "RSA PRIVATE KEY":
                if (legacyEncrypted) {
                    return legacy(key, password, where);
                }
                return fromInfo(rsa(key.der(), where), where);
            default: // EC PRIVATE KEY
                if (legacyEncrypted) {
                    return legacy(key, password, where);
                }
                return fromInfo(sec1(key.der(), ecParameters, where), where);
        }
    }

    private static PrivateKey parseDer(byte[] data, char[] password, String source) throws PkiException {
        ASN1Primitive p =
                CertificateReader.asn1(data, source, "is neither PEM (no '-----BEGIN' line) nor a DER private key");
        // Try each DER structure a key file can hold; the shapes are distinct enough to tell apart.
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(p);
            if (info.getPrivateKeyAlgorithm() != null) {
                return fromInfo(info, source);
            }
        } catch (IllegalArgumentException | IllegalStateException | ClassCastException notPkcs8) {
            // next shape
        }
        try {
            EncryptedPrivateKeyInfo enc = EncryptedPrivateKeyInfo.getInstance(p);
            return fromInfo(decrypt(new PKCS8EncryptedPrivateKeyInfo(enc), password, source), source);
        } catch (IllegalArgumentException | IllegalStateException | ClassCastException notEncrypted) {
            // next shape
        }
        try {
            return fromInfo(rsa(data, source), source);
        } catch (PkiException notRsa) {
            // next shape
        }
        try {
            return fromInfo(sec1(data, null, source), source);
        } catch (PkiException notSec1) {
            throw new PkiException(source, "DER data is not a PKCS#8, encrypted PKCS#8, PKCS#1 or SEC1 private key");
        }
    }

    /**
     * The algorithms a PKCS#8 key is tried as, in the order a workload key is likely to be. The JDK's key
     * factories check the algorithm identifier inside the structure, so only the right one accepts it.
     */
    private static final String[] JDK_KEY_ALGORITHMS = {"EC", "RSA", "Ed25519", "Ed448", "RSASSA-PSS"};

    /**
     * A plain PKCS#8 key read by the JDK alone, or null: the common case needs no Bouncy Castle class.
     * Whatever the JDK does not take (another algorithm, damaged DER, an older JDK without EdDSA) goes the
     * Bouncy Castle way, which reads it or says what is wrong with it.
     */
    private static PrivateKey jdkPkcs8(byte[] der) {
        if (der.length < 2 || der[0] != 0x30) {
            return null;
        }
        for (String algorithm : JDK_KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (Exception notThisOne) {
                // next algorithm
            }
        }
        return null;
    }

    private static PrivateKeyInfo pkcs8(byte[] der, String where) throws PkiException {
        ASN1Primitive p = CertificateReader.asn1(der, where, "is not valid DER");
        try {
            return PrivateKeyInfo.getInstance(p);
        } catch (RuntimeException e) {
            throw new PkiException(where, "is not a PKCS#8 private key (" + e.getMessage() + ")", e);
        }
    }

    private static PKCS8EncryptedPrivateKeyInfo encryptedPkcs8(byte[] der, String where) throws PkiException {
        ASN1Primitive p = CertificateReader.asn1(der, where, "is not valid DER");
        try {
            return new PKCS8EncryptedPrivateKeyInfo(EncryptedPrivateKeyInfo.getInstance(p));
        } catch (RuntimeException e) {
            throw new PkiException(where, "is not an encrypted PKCS#8 key (" + e.getMessage() + ")", e);
        }
    }

    private static PrivateKeyInfo decrypt(PKCS8EncryptedPrivateKeyInfo enc, char[] password, String where)
            throws PkiException {
        if (password == null) {
            throw new PkiException(where, "key is encrypted (PKCS#8) but no password was given");
        }
        try {
            InputDecryptorProvider decryptor = new JceOpenSSLPKCS8DecryptorProviderBuilder()
                    .setProvider(Crypto.bouncyCastle())
                    .build(password);
            return enc.decryptPrivateKeyInfo(decryptor);
        } catch (Exception e) {
            throw new PkiException(where, "cannot decrypt the key: wrong password, or the file is damaged", e);
        }
    }

    private static PrivateKeyInfo rsa(byte[] der, String where) throws PkiException {
        ASN1Primitive p = CertificateReader.asn1(der, where, "is not valid DER");
        try {
            RSAPrivateKey k = RSAPrivateKey.getInstance(p);
            return new PrivateKeyInfo(
                    new AlgorithmIdentifier(
                            PKCSObjectIdentifiers.rsaEncryption, org.bouncycastle.asn1.DERNull.INSTANCE),
                    k);
        } catch (Exception e) {
            throw new PkiException(where, "is not a PKCS#1 RSA private key (" + e.getMessage() + ")", e);
        }
    }

    private static PrivateKeyInfo sec1(byte[] der, PemBlock ecParameters, String where) throws PkiException {
        ASN1Primitive p = CertificateReader.asn1(der, where, "is not valid DER");
        try {
            ECPrivateKey k = ECPrivateKey.getInstance(p);
            ASN1Encodable params = k.getParametersObject();
            if (params == null && ecParameters != null) {
                params = ASN1Primitive.fromByteArray(ecParameters.der());
            }
            if (params == null) {
                throw new PkiException(where, "SEC1 EC key names no curve and the file has no EC PARAMETERS block");
            }
            if (k.getKey() == null) {
                throw new PkiException(where, "SEC1 EC key holds no private value");
            }
            return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, params), k);
        } catch (PkiException e) {
            throw e;
        } catch (Exception e) {
            throw new PkiException(where, "is not a SEC1 EC private key (" + e.getMessage() + ")", e);
        }
    }

    private static PrivateKey legacy(PemBlock key, char[] password, String where) throws PkiException {
        if (password == null) {
            throw new PkiException(
                    where,
                    "key is encrypted (Proc-Type: 4,ENCRYPTED, DEK-Info: "
                            + key.headers().getOrDefault("DEK-Info", "?") + ") but no password was given");
        }
        Object o;
        try (PEMParser parser = new PEMParser(new StringReader(key.text()))) {
            o = parser.readObject();
        } catch (Exception e) {
            throw new PkiException(where, "damaged encrypted PEM key (" + e.getMessage() + ")", e);
        }
        if (!(o instanceof PEMEncryptedKeyPair)) {
            throw new PkiException(where, "damaged encrypted PEM key (check the Proc-Type and DEK-Info headers)");
        }
        PEMKeyPair pair;
        try {
            pair = ((PEMEncryptedKeyPair) o)
                    .decryptKeyPair(new JcePEMDecryptorProviderBuilder()
                            .setProvider(Crypto.bouncyCastle())
                            .build(password));
        } catch (Exception e) {
            throw new PkiException(where, "cannot decrypt the key: wrong password, or the file is damaged", e);
        }
        if (pair == null || pair.getPrivateKeyInfo() == null) {
            throw new PkiException(where, "cannot decrypt the key: wrong password, or the file is damaged");
        }
        return fromInfo(pair.getPrivateKeyInfo(), where);
    }

    /** Builds a JDK key object where the JDK knows the algorithm, else a Bouncy Castle one. */
    static PrivateKey fromInfo(PrivateKeyInfo info, String where) throws PkiException {
        ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
        String alg;
        if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
            alg = "RSA";
        } else if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
            alg = "EC";
        } else if (EdECObjectIdentifiers.id_Ed25519.equals(oid)) {
            alg = "Ed25519";
        } else if (EdECObjectIdentifiers.id_Ed448.equals(oid)) {
            alg = "Ed448";
        } else if (PKCSObjectIdentifiers.id_RSASSA_PSS.equals(oid)) {
            alg = "RSASSA-PSS";
        } else {
            throw new PkiException(where, "unsupported key algorithm " + oid + "; use EC, RSA or Ed25519");
        }
        byte[] encoded;
        try {
            encoded = info.getEncoded();
        } catch (Exception e) {
            throw new PkiException(where, "damaged private key (" + e.getMessage() + ")", e);
        }
        try {
            return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(encoded));
        } catch (Exception jdkCannot) {
            try {
                return new JcaPEMKeyConverter()
                        .setProvider(Crypto.bouncyCastle())
                        .getPrivateKey(info);
            } catch (Exception e) {
                throw new PkiException(
                        where, "damaged or unsupported " + alg + " private key (" + e.getMessage() + ")", e);
            }
        }
    }
}
