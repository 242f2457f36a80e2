package io.meshless.agent.tls;

import java.security.KeyStore;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.KeyManagerFactorySpi;
import javax.net.ssl.ManagerFactoryParameters;

/**
 * A key manager factory, already initialized, that hands out the key managers it was made with: for hooks that must
 * give a library (Netty's OpenSSL contexts) a factory where the application gave one.
 */
final class FixedKeyManagerFactory extends KeyManagerFactory {

    /** @param like the application's factory, whose provider and algorithm this one reports */
    FixedKeyManagerFactory(KeyManager[] managers, KeyManagerFactory like) {
        super(new Spi(managers.clone()), like.getProvider(), like.getAlgorithm());
    }

    private static final class Spi extends KeyManagerFactorySpi {
        private final KeyManager[] managers;

        Spi(KeyManager[] managers) {
            this.managers = managers;
        }

        @Override
        protected void engineInit(KeyStore store, char[] password) {
            // initialized at construction: the managers are fixed
        }

        @Override
        protected void engineInit(ManagerFactoryParameters parameters) {
            // initialized at construction: the managers are fixed
        }

        @Override
        protected KeyManager[] engineGetKeyManagers() {
            return managers.clone();
        }
    }
}
