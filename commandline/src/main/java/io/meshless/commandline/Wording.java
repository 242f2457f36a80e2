package io.meshless.commandline;

import java.util.Collection;
import java.util.List;

/**
 * How a command line words its usage errors. Two tools, two established voices that scripts and
 * tests already read: {@link #DETAILED} ({@code meshless}, the agent jar) names the value's
 * placeholder, the accepted options and the bad value; {@link #brief(String)}
 * ({@code meshless-injector}) leads with the command and keeps lines short. The parsing is the same.
 */
public final class Wording {

    /** {@code --out needs a value (DIR)}, {@code unknown option --x; expected one of ...}. */
    public static final Wording DETAILED = new Wording(null);

    /** The brief voice of one command: {@code serve: --port needs a value}. */
    public static Wording brief(String command) {
        if (command == null || command.isEmpty()) {
            throw new IllegalArgumentException("a brief wording needs the command's name");
        }
        return new Wording(command);
    }

    private final String command;

    private Wording(String command) {
        this.command = command;
    }

    private boolean detailed() {
        return command == null;
    }

    private String prefixed(String message) {
        return command + ": " + message;
    }

    String unknownOption(String name, Collection<String> declared) {
        if (detailed()) {
            return "unknown option " + name
                    + (declared.isEmpty() ? "" : "; expected one of " + String.join(", ", declared));
        }
        return prefixed("unknown option " + name + " (see " + command + " --help)");
    }

    String takesNoValue(Option option, String given) {
        return detailed()
                ? option.name + " takes no value, got '" + given + "'"
                : prefixed(option.name + " takes no value");
    }

    String needsValue(Option option) {
        return detailed()
                ? option.name + " needs a value (" + option.valueName + ")"
                : prefixed(option.name + " needs a value");
    }

    String givenTwice(Option option) {
        return detailed()
                ? option.name + " is given more than once"
                : prefixed(option.name + " is given more than once");
    }

    String unexpectedOperand(String operand, String hint) {
        String suffix = hint.isEmpty() ? "" : " (" + hint + ")";
        return detailed()
                ? "unexpected argument '" + operand + "'" + suffix
                : prefixed("unexpected argument \"" + operand + "\"" + suffix);
    }

    String tooManyOperands(int max, String operandName, List<String> operands) {
        String message = "too many arguments, expected at most " + max + " " + operandName + ", got '"
                + String.join("' '", operands) + "'";
        return detailed() ? message : prefixed(message);
    }

    String missing(String what) {
        return detailed() ? "missing " + what : prefixed("missing " + what);
    }

    /** {@code kind} says what the value is, e.g. "a whole number" or "a port number". */
    String notANumber(String name, String value, String kind, long min, long max) {
        return detailed()
                ? name + " '" + value + "' is not " + kind
                : prefixed(name + " must be " + kind + " " + min + "-" + max + ", not \"" + value + "\"");
    }

    String outOfRange(String name, String value, long n, String kind, long min, long max) {
        return detailed()
                ? name + " " + n + " is out of range, expected " + min + " to " + max
                : prefixed(name + " must be " + kind + " " + min + "-" + max + ", not \"" + value + "\"");
    }

    String badPath(String name, String value, String reason) {
        String message = value.isEmpty()
                ? name + " is empty, expected a path"
                : name + " '" + value + "' is not a valid path: " + reason;
        return detailed() ? message : prefixed(message);
    }

    String notSeconds(String name, String value) {
        String message = name + " '" + value + "' is not a number of seconds from 0 to 1000000000";
        return detailed() ? message : prefixed(message);
    }
}
