package io.meshless.pki.internal;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;

/**
 * The NIST curves Meshless issues keys on, with the point arithmetic of key generation and ECDSA
 * signing done by Bouncy Castle's lightweight API over one set of domain parameters per JVM.
 *
 * <p>Why not the JCA: both operations are a fixed-base scalar multiplication. Bouncy Castle's comb
 * multiplier keeps a precomputed table on the base point object, so sharing these domain
 * parameters builds it once (about 0.1 ms per operation afterwards). SunEC on JDK 17 has no such
 * table (about 1.2 ms per key pair or signature on the benchmark machine), and Bouncy Castle's JCA
 * provider converts a SunEC key's parameters into a new curve and base point on every
 * {@code initSign}, so it rebuilds the table for every signature (17% of an issuance).
 *
 * <p>Keys leave this class as ordinary JDK ({@code KeyFactory "EC"}) key objects on the JDK's own
 * parameter spec, exactly as {@code KeyPairGenerator "EC"} would return them. Immutable and
 * thread-safe: Bouncy Castle synchronizes the one-time precomputation on the base point.
 */
public enum NamedCurve {
    P256("secp256r1", SECObjectIdentifiers.secp256r1),
    P384("secp384r1", SECObjectIdentifiers.secp384r1);

    private final String jdkName;
    private final ECParameterSpec jdkSpec;
    private final ECDomainParameters domain;

    NamedCurve(String jdkName, ASN1ObjectIdentifier oid) {
        this.jdkName = jdkName;
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec(jdkName));
            this.jdkSpec = p.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK does not know the curve " + jdkName + ": " + e.getMessage(), e);
        }
        X9ECParameters x9 = CustomNamedCurves.getByOID(oid);
        this.domain = new ECNamedDomainParameters(oid, x9);
        if (!sameCurve(jdkSpec, domain)) {
            throw new IllegalStateException("the JDK's and Bouncy Castle's parameters for " + jdkName + " differ");
        }
    }

    /** The curve of a JDK parameter spec, compared by value (field, coefficients, base point, order). */
    public static Optional<NamedCurve> of(ECParameterSpec params) {
        if (params == null) {
            return Optional.empty();
        }
        for (NamedCurve c : values()) {
            if (params == c.jdkSpec || sameCurve(params, c.domain)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The JDK's name for the curve, e.g. "secp256r1". */
    public String jdkName() {
        return jdkName;
    }

    /** A fresh key pair; the private scalar is drawn from {@code random}, uniformly in [1, n-1]. */
    public KeyPair generate(SecureRandom random) throws GeneralSecurityException {
        ECKeyPairGenerator g = new ECKeyPairGenerator();
        g.init(new ECKeyGenerationParameters(domain, random));
        AsymmetricCipherKeyPair kp = g.generateKeyPair();
        org.bouncycastle.math.ec.ECPoint q =
                ((ECPublicKeyParameters) kp.getPublic()).getQ().normalize();
        BigInteger d = ((ECPrivateKeyParameters) kp.getPrivate()).getD();
        KeyFactory f = KeyFactory.getInstance("EC");
        return new KeyPair(
                f.generatePublic(new ECPublicKeySpec(
                        new ECPoint(
                                q.getAffineXCoord().toBigInteger(),
                                q.getAffineYCoord().toBigInteger()),
                        jdkSpec)),
                f.generatePrivate(new ECPrivateKeySpec(d, jdkSpec)));
    }

    /**
     * The signing parameters of {@code key} on the shared domain parameters, or empty when the key is
     * not on a curve of this enum or does not reveal its scalar (a hardware-held key): such keys are
     * signed with through the JCA.
     */
    public static Optional<ECPrivateKeyParameters> signingKey(PrivateKey key) {
        if (!(key instanceof ECPrivateKey)) {
            return Optional.empty();
        }
        ECPrivateKey ec = (ECPrivateKey) key;
        BigInteger s;
        try {
            s = ec.getS();
        } catch (RuntimeException notExtractable) {
            return Optional.empty();
        }
        if (s == null) {
            return Optional.empty();
        }
        Optional<NamedCurve> curve = of(ec.getParams());
        if (!curve.isPresent()
                || s.signum() <= 0
                || s.compareTo(curve.get().domain.getN()) >= 0) {
            return Optional.empty();
        }
        return Optional.of(new ECPrivateKeyParameters(s, curve.get().domain));
    }

    private static boolean sameCurve(ECParameterSpec jdk, ECDomainParameters bc) {
        if (!(jdk.getCurve().getField() instanceof java.security.spec.ECFieldFp)) {
            return false;
        }
        BigInteger p = ((java.security.spec.ECFieldFp) jdk.getCurve().getField()).getP();
        org.bouncycastle.math.ec.ECPoint g = bc.getG().normalize();
        return p.equals(bc.getCurve().getField().getCharacteristic())
                && jdk.getCurve().getA().equals(bc.getCurve().getA().toBigInteger())
                && jdk.getCurve().getB().equals(bc.getCurve().getB().toBigInteger())
                && jdk.getOrder().equals(bc.getN())
                && BigInteger.valueOf(jdk.getCofactor()).equals(bc.getH())
                && jdk.getGenerator().getAffineX().equals(g.getAffineXCoord().toBigInteger())
                && jdk.getGenerator().getAffineY().equals(g.getAffineYCoord().toBigInteger());
    }
}
