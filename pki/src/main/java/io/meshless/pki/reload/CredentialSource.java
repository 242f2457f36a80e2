package io.meshless.pki.reload;

import io.meshless.pki.WorkloadCredentials;
import java.util.Optional;

/** Where TLS code gets the current credentials, read afresh for every handshake. */
public interface CredentialSource {
    /** The current validated set, or empty while none has loaded yet. Must be cheap and non-blocking. */
    Optional<WorkloadCredentials> current();
}
