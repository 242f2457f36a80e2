package io.meshless.injector.http;

import io.meshless.pki.reload.CredentialSource;
import io.meshless.pki.reload.ReloadingKeyManager;
import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

/** The webhook's server-side TLS: pki's reloading key manager, so rotation needs no restart. */
public final class ServingTls {
    private ServingTls() {}

    /**
     * A server context that asks {@code source} for the certificate at every handshake; while the
     * source has none, handshakes fail (fail closed) and /readyz says not ready.
     */
    public static SSLContext serverContext(CredentialSource source) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        // No trust managers: the webhook does not ask for client certificates.
        context.init(new KeyManager[] {new ReloadingKeyManager(source)}, null, null);
        return context;
    }
}
