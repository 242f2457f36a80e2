package io.meshless.pki.internal;

import java.security.Provider;
import java.security.SecureRandom;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The one Bouncy Castle provider instance of this library. It is passed to JCA builders
 * explicitly and never registered with {@code Security.addProvider}, because this code runs inside
 * other people's JVMs and must not change which providers their code gets.
 */
public final class Crypto {
    private static final Provider BC = new BouncyCastleProvider();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Crypto() {}

    public static Provider bouncyCastle() {
        return BC;
    }

    public static SecureRandom random() {
        return RANDOM;
    }
}
