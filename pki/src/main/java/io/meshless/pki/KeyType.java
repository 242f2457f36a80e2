package io.meshless.pki;

import io.meshless.pki.internal.Crypto;
import io.meshless.pki.internal.NamedCurve;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAKey;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The key algorithms Meshless issues certificates for. */
public enum KeyType {
    EC_P256("EC P-256", "SHA256withECDSA"),
    EC_P384("EC P-384", "SHA384withECDSA"),
    RSA_2048("RSA 2048", "SHA256withRSA"),
    RSA_3072("RSA 3072", "SHA256withRSA"),
    RSA_4096("RSA 4096", "SHA256withRSA"),
    ED25519("Ed25519", "Ed25519");

    private final String displayName;
    private final String signatureAlgorithm;

    KeyType(String displayName, String signatureAlgorithm) {
        this.displayName = displayName;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    /**
     * Parses the names people type: "ec-p256", "p256", "ecdsa-p256", "rsa-2048", "rsa2048", "rsa",
     * "ed25519", ignoring case, '-' and '_'.
     */
    public static KeyType parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("key type is missing; choose one of " + choices());
        }
        String t = text.trim()
                .toLowerCase(Locale.ROOT)
                .replace("-", "")
                .replace("_", "")
                .replace(" ", "");
        switch (t) {
            case "ecp256":
            case "p256":
            case "ecdsap256":
            case "ec":
            case "ecdsa":
            case "prime256v1":
            case "secp256r1":
                return EC_P256;
            case "ecp384":
            case "p384":
            case "ecdsap384":
            case "secp384r1":
                return EC_P384;
            case "rsa2048":
            case "rsa":
                return RSA_2048;
            case "rsa3072":
                return RSA_3072;
            case "rsa4096":
                return RSA_4096;
            case "ed25519":
            case "eddsa":
                return ED25519;
            default:
                throw new IllegalArgumentException("unknown key type '" + text + "'; choose one of " + choices());
        }
    }

    private static String choices() {
        return Arrays.stream(values()).map(KeyType::cliName).collect(Collectors.joining(", "));
    }

    /** The spelling used on command lines: "ec-p256", "rsa-2048", "ed25519". */
    public String cliName() {
        switch (this) {
            case EC_P256:
                return "ec-p256";
            case EC_P384:
                return "ec-p384";
            case RSA_2048:
                return "rsa-2048";
            case RSA_3072:
                return "rsa-3072";
            case RSA_4096:
                return "rsa-4096";
            default:
                return "ed25519";
        }
    }

    /** "EC P-256", "RSA 2048", "Ed25519". */
    public String displayName() {
        return displayName;
    }

    /** The JCA signature algorithm a CA holding this key type signs with. */
    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    /**
     * Generates a fresh key pair of this type from the library's {@link java.security.SecureRandom}. EC keys
     * are computed with Bouncy Castle's precomputed base-point tables (see {@link NamedCurve}) and returned as
     * JDK key objects; RSA and Ed25519 come from the JDK provider (Bouncy Castle when the JDK lacks Ed25519).
     */
    public KeyPair generate() {
        try {
            switch (this) {
                case EC_P256:
                    return NamedCurve.P256.generate(Crypto.random());
                case EC_P384:
                    return NamedCurve.P384.generate(Crypto.random());
                case RSA_2048:
                    return rsa(2048);
                case RSA_3072:
                    return rsa(3072);
                case RSA_4096:
                    return rsa(4096);
                default:
                    return ed25519();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + displayName + " key: " + e.getMessage(), e);
        }
    }

    private static KeyPair rsa(int bits) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits, Crypto.random());
        return g.generateKeyPair();
    }

    private static KeyPair ed25519() throws GeneralSecurityException {
        KeyPairGenerator g;
        try {
            g = KeyPairGenerator.getInstance("Ed25519");
        } catch (NoSuchAlgorithmException jdkBefore15) {
            g = KeyPairGenerator.getInstance("Ed25519", Crypto.bouncyCastle());
        }
        return g.generateKeyPair();
    }

    /** The key type of a public key, or empty-handed description for keys Meshless does not issue. */
    public static String describe(PublicKey key) {
        if (key == null) {
            return "no key";
        }
        if (key instanceof RSAKey) {
            return "RSA " + ((RSAKey) key).getModulus().bitLength();
        }
        if (key instanceof ECPublicKey) {
            int bits = ((ECPublicKey) key).getParams().getCurve().getField().getFieldSize();
            switch (bits) {
                case 256:
                    return "EC P-256";
                case 384:
                    return "EC P-384";
                case 521:
                    return "EC P-521";
                default:
                    return "EC " + bits + "-bit curve";
            }
        }
        String alg = key.getAlgorithm();
        if ("EdDSA".equals(alg) || "Ed25519".equals(alg)) {
            // JDK EdDSA keys name the curve only in their encoding; Ed25519 keys are 44 bytes encoded.
            byte[] enc = key.getEncoded();
            return enc != null && enc.length == 44 ? "Ed25519" : "Ed448";
        }
        return alg;
    }

    /** The key type of a public key, if it is one Meshless issues. */
    public static java.util.Optional<KeyType> of(PublicKey key) {
        String d = describe(key);
        for (KeyType t : values()) {
            if (t.displayName.equals(d)) {
                return java.util.Optional.of(t);
            }
        }
        return java.util.Optional.empty();
    }
}
