package io.meshless.agent.apps;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * An application that trusts a CA of its own (the PEM file given as argument): it builds and initialises its
 * own SSLContext with that trust material, twice from the same line, then uses the default context once, and
 * waits for stdin to close.
 */
public final class OwnContextApp {
    public static void main(String[] args) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
            store.setCertificateEntry("own-ca", ca);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
        trust.init(store);
        for (int i = 0; i < 2; i++) {
            SSLContext own = SSLContext.getInstance("TLS");
            own.init(null, trust.getTrustManagers(), null);
        }
        SSLContext.getDefault().createSSLEngine();
        ClientLoop.listening(0);
        ClientLoop.awaitStdinClosed();
    }
}
