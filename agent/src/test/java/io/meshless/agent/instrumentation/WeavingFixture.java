package io.meshless.agent.instrumentation;

import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.TrustManager;

/**
 * Stands in for {@code SSLContext} in {@link HookTableTest}: woven with the table's {@code SSLContext} hooks and
 * loaded in a loader of its own, so the JVM verifies the woven code (it does not verify the JDK's own classes).
 */
public class WeavingFixture extends SSLContext {
    public static SSLContext lastDefault;

    private final SSLContextSpi contextSpi;
    public KeyManager[] keyManagers;
    public TrustManager[] trustManagers;

    public WeavingFixture() {
        super(null, null, "fixture");
        this.contextSpi = null;
    }

    /** As {@code SSLContext.setDefault}: a branch of its own, so the method has frames before weaving. */
    public static void setDefault(SSLContext context) {
        if (context == null) {
            throw new NullPointerException("context");
        }
        lastDefault = context;
    }

    /** As {@code SSLContext.init}. */
    public void initialize(KeyManager[] keyManagers, TrustManager[] trustManagers, SecureRandom random) {
        this.keyManagers = keyManagers;
        this.trustManagers = trustManagers;
    }

    SSLContextSpi implementation() {
        return contextSpi;
    }
}
