package io.meshless.pki.reload;

import io.meshless.pki.PkiException;
import io.meshless.pki.WorkloadCredentials;

/** Told about each reload attempt of a {@link WatchedCertDirectory}; called on the watcher thread. */
public interface ReloadListener {
    /** A new set passed validation and is now current; {@code previousOrNull} is null on the first load. */
    void loaded(WorkloadCredentials previousOrNull, WorkloadCredentials current);

    /** A set was refused; the previous set (if any) stays current. Called once per distinct problem. */
    void rejected(PkiException problem);

    /** A listener that does nothing. */
    ReloadListener NONE = new ReloadListener() {
        @Override
        public void loaded(WorkloadCredentials previousOrNull, WorkloadCredentials current) {}

        @Override
        public void rejected(PkiException problem) {}
    };
}
