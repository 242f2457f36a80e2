package io.meshless.pki;

/**
 * A problem with certificate or key material, always naming where it is (a file, or a part of one
 * such as "tls.crt certificate #2") and why it is wrong, so a person can fix it without a debugger.
 */
public final class PkiException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String reason;

    public PkiException(String source, String reason) {
        super(source + ": " + reason);
        this.source = source;
        this.reason = reason;
    }

    public PkiException(String source, String reason, Throwable cause) {
        super(source + ": " + reason, cause);
        this.source = source;
        this.reason = reason;
    }

    /** The file path, or a part of one such as "tls.crt certificate #2". */
    public String source() {
        return source;
    }

    /** What is wrong, in words a person can act on. */
    public String reason() {
        return reason;
    }
}
