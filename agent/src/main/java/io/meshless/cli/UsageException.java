package io.meshless.cli;

/** The command line itself is wrong (unknown option, missing value): exit code 2. The message is one line. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
