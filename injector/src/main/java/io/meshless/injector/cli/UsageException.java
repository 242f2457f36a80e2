package io.meshless.injector.cli;

/** Bad command line: exit code 2 with this one-line message. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
