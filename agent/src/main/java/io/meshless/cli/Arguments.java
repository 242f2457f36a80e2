package io.meshless.cli;

import io.meshless.pki.ControlCharacters;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The parsed arguments of one command; asking for an undeclared option is a programming error. */
final class Arguments {

    private final Options options;
    private final Map<String, List<String>> values;
    private final List<String> operands;

    Arguments(Options options, Map<String, List<String>> values, List<String> operands) {
        this.options = options;
        this.values = values;
        this.operands = Collections.unmodifiableList(operands);
    }

    boolean flag(String name) {
        options.declared(name);
        return values.containsKey(name);
    }

    boolean has(String name) {
        options.declared(name);
        return values.containsKey(name);
    }

    Optional<String> value(String name) {
        options.declared(name);
        List<String> list = values.get(name);
        return list == null ? Optional.empty() : Optional.of(list.get(0));
    }

    List<String> values(String name) {
        options.declared(name);
        return Collections.unmodifiableList(values.getOrDefault(name, Collections.emptyList()));
    }

    String required(String name) throws UsageException {
        Optional<String> value = value(name);
        if (!value.isPresent()) {
            throw new UsageException("missing " + options.declared(name).label());
        }
        return value.get();
    }

    Optional<Path> path(String name) throws UsageException {
        Optional<String> value = value(name);
        return value.isPresent() ? Optional.of(toPath(name, value.get())) : Optional.empty();
    }

    Path requiredPath(String name) throws UsageException {
        return toPath(name, required(name));
    }

    /** A whole number in [min, max], or {@code otherwise} when the option is absent. */
    long number(String name, long min, long max, long otherwise) throws UsageException {
        Optional<String> value = value(name);
        if (!value.isPresent()) {
            return otherwise;
        }
        long n;
        try {
            n = Long.parseLong(value.get().trim());
        } catch (NumberFormatException e) {
            throw new UsageException(name + " '" + value.get() + "' is not a whole number");
        }
        if (n < min || n > max) {
            throw new UsageException(name + " " + n + " is out of range, expected " + min + " to " + max);
        }
        return n;
    }

    /**
     * Refuses control characters (newline, ESC, ...) in the values of {@code names}: they end up in
     * certificates, where they forge log lines and drive the terminals of whoever inspects them.
     */
    void requirePrintable(String... names) throws UsageException {
        for (String name : names) {
            for (String value : values(name)) {
                int at = ControlCharacters.indexIn(value);
                if (at >= 0) {
                    throw new UsageException(name + " '" + ControlCharacters.escape(value) + "' contains the control"
                            + " character U+" + String.format("%04X", (int) value.charAt(at)) + " at position " + at
                            + "; certificates must not carry control characters");
                }
            }
        }
    }

    List<String> operands() {
        return operands;
    }

    static Path toPath(String what, String text) throws UsageException {
        if (text.isEmpty()) {
            throw new UsageException(what + " is empty, expected a path");
        }
        try {
            return Paths.get(text);
        } catch (InvalidPathException e) {
            throw new UsageException(what + " '" + text + "' is not a valid path: " + e.getReason());
        }
    }
}
