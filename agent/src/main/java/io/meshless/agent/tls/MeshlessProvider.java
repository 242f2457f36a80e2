package io.meshless.agent.tls;

import java.security.InvalidAlgorithmParameterException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.UnrecoverableKeyException;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.KeyManagerFactorySpi;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.TrustManagerFactorySpi;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A JSSE provider named {@code Meshless} with one {@code KeyManagerFactory} and one
 * {@code TrustManagerFactory} algorithm, also named {@code Meshless}. The agent makes them this
 * JVM's default algorithms, so code that asks for "the default key/trust managers"
 * ({@code init(null)}) gets the agent's managers, with no bytecode change.
 *
 * <p>Initialized with an explicit {@code KeyStore} or parameters, the factories delegate to the
 * platform's original default algorithm: the application chose its own material.
 */
public final class MeshlessProvider extends Provider {
    private static final long serialVersionUID = 1L;

    public static final String NAME = "Meshless";

    /**
     * @param keyManager           handed out by {@code KeyManagerFactory.init(null, ...)}; asked for only
     *                             then, so the agent can load its material on first use
     * @param trustManager         handed out by {@code TrustManagerFactory.init((KeyStore) null)}
     * @param platformKeyAlgorithm the JVM's key manager algorithm before the agent (usually SunX509)
     * @param platformTrustAlgorithm the JVM's trust manager algorithm before the agent (usually PKIX)
     */
    public MeshlessProvider(
            Supplier<X509ExtendedKeyManager> keyManager,
            Supplier<X509ExtendedTrustManager> trustManager,
            String platformKeyAlgorithm,
            String platformTrustAlgorithm) {
        super(NAME, "1.0", "Meshless workload identity: key and trust managers over the mounted certificates");
        putService(new Service(this, "KeyManagerFactory", NAME, KeyFactorySpi.class.getName(), null, null) {
            @Override
            public Object newInstance(Object constructorParameter) {
                return new KeyFactorySpi(keyManager, platformKeyAlgorithm);
            }
        });
        putService(new Service(this, "TrustManagerFactory", NAME, TrustFactorySpi.class.getName(), null, null) {
            @Override
            public Object newInstance(Object constructorParameter) {
                return new TrustFactorySpi(trustManager, platformTrustAlgorithm);
            }
        });
    }

    static final class KeyFactorySpi extends KeyManagerFactorySpi {
        private final Supplier<X509ExtendedKeyManager> agentManager;
        private final String platformAlgorithm;
        private KeyManager[] managers;

        KeyFactorySpi(Supplier<X509ExtendedKeyManager> agentManager, String platformAlgorithm) {
            this.agentManager = agentManager;
            this.platformAlgorithm = platformAlgorithm;
        }

        @Override
        protected void engineInit(KeyStore store, char[] password)
                throws KeyStoreException, NoSuchAlgorithmException, UnrecoverableKeyException {
            if (store == null) {
                managers = new KeyManager[] {agentManager.get()};
                return;
            }
            KeyManagerFactory platform = KeyManagerFactory.getInstance(platformAlgorithm);
            platform.init(store, password);
            managers = platform.getKeyManagers();
        }

        @Override
        protected void engineInit(ManagerFactoryParameters parameters) throws InvalidAlgorithmParameterException {
            try {
                KeyManagerFactory platform = KeyManagerFactory.getInstance(platformAlgorithm);
                platform.init(parameters);
                managers = platform.getKeyManagers();
            } catch (NoSuchAlgorithmException e) {
                throw new InvalidAlgorithmParameterException(e);
            }
        }

        @Override
        protected KeyManager[] engineGetKeyManagers() {
            if (managers == null) {
                throw new IllegalStateException("KeyManagerFactory not initialized");
            }
            return managers.clone();
        }
    }

    static final class TrustFactorySpi extends TrustManagerFactorySpi {
        private final Supplier<X509ExtendedTrustManager> agentManager;
        private final String platformAlgorithm;
        private TrustManager[] managers;

        TrustFactorySpi(Supplier<X509ExtendedTrustManager> agentManager, String platformAlgorithm) {
            this.agentManager = agentManager;
            this.platformAlgorithm = platformAlgorithm;
        }

        @Override
        protected void engineInit(KeyStore store) throws KeyStoreException {
            if (store == null) {
                managers = new TrustManager[] {agentManager.get()};
                return;
            }
            try {
                TrustManagerFactory platform = TrustManagerFactory.getInstance(platformAlgorithm);
                platform.init(store);
                managers = platform.getTrustManagers();
            } catch (NoSuchAlgorithmException e) {
                throw new KeyStoreException(e);
            }
        }

        @Override
        protected void engineInit(ManagerFactoryParameters parameters) throws InvalidAlgorithmParameterException {
            try {
                TrustManagerFactory platform = TrustManagerFactory.getInstance(platformAlgorithm);
                platform.init(parameters);
                managers = platform.getTrustManagers();
            } catch (NoSuchAlgorithmException e) {
                throw new InvalidAlgorithmParameterException(e);
            }
        }

        @Override
        protected TrustManager[] engineGetTrustManagers() {
            if (managers == null) {
                throw new IllegalStateException("TrustManagerFactory not initialized");
            }
            return managers.clone();
        }
    }
}
