package io.meshless.injector.check;

/** The Kubernetes API did not answer a read {@code check} needs; names what and why. */
public final class ClusterReadException extends Exception {
    private static final long serialVersionUID = 1L;

    ClusterReadException(String what, Exception cause) {
        super("cannot read " + what + ": " + cause.getMessage(), cause);
    }
}
