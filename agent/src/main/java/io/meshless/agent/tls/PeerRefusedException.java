package io.meshless.agent.tls;

import java.security.cert.CertificateException;

/** A refused peer certificate, with the reason the refusal log names. */
final class PeerRefusedException extends CertificateException {
    private static final long serialVersionUID = 1L;

    private final RefusalReason reason;
    private final String detail;

    PeerRefusedException(RefusalReason reason, String message, String detail, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.detail = detail;
    }

    RefusalReason reason() {
        return reason;
    }

    /** What the check said, without the peer's identity (the log line names that separately). */
    String detail() {
        return detail;
    }
}
