package io.meshless.commandline;

/** The command line itself is wrong (unknown option, missing value): exit code 2. The message is one line. */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
