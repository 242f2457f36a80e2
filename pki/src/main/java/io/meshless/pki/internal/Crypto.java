package io.meshless.pki.internal;

import java.security.Provider;
import java.security.SecureRandom;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The one Bouncy Castle provider instance of this library. It is passed to JCA builders
 * explicitly and never registered with {@code Security.addProvider}, because this code runs inside
 * other people's JVMs and must not change which providers their code gets.
 *
 * <p>The provider is created on its first use only: its construction loads some 300 classes (every
 * algorithm it offers, post-quantum ones included), and a workload that reads a PKCS#8 key and JDK
 * certificates never needs it, while {@link #random()} is wanted by every key check.
 */
public final class Crypto {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Crypto() {}

    public static Provider bouncyCastle() {
        return BouncyCastle.PROVIDER;
    }

    public static SecureRandom random() {
        return RANDOM;
    }

    /** Initialized by the JVM at the first {@link #bouncyCastle()} call, not with {@link Crypto}. */
    private static final class BouncyCastle {
        static final Provider PROVIDER = new BouncyCastleProvider();
    }
}
