package io.meshless.cli;

/**
 * The command was well-formed but did not succeed (a check failed, a file is missing): exit code 1.
 * The message is the one-line reason printed on stderr.
 */
final class CommandFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    CommandFailedException(String message) {
        super(message);
    }

    CommandFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
