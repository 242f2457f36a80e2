package io.meshless.commandline;

import java.math.BigDecimal;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parsed arguments of one command, with typed reads whose errors name the option and the bad
 * value. Asking for an undeclared option is a programming error ({@link IllegalStateException}).
 */
public final class Arguments {

    private static final long LARGEST_PORT = 65_535;

    private final Options options;
    private final Wording wording;
    private final Map<String, List<String>> values;
    private final List<String> operands;

    Arguments(Options options, Wording wording, Map<String, List<String>> values, List<String> operands) {
        this.options = options;
        this.wording = wording;
        this.values = values;
        this.operands = Collections.unmodifiableList(operands);
    }

    /** Whether a flag was given. */
    public boolean flag(String name) {
        return has(name);
    }

    /** Whether an option, flag or value, was given. */
    public boolean has(String name) {
        options.declared(name);
        return values.containsKey(name);
    }

    public Optional<String> value(String name) {
        options.declared(name);
        List<String> list = values.get(name);
        return list == null ? Optional.empty() : Optional.of(list.get(0));
    }

    /** The value, or {@code otherwise} when the option is absent. */
    public String value(String name, String otherwise) {
        return value(name).orElse(otherwise);
    }

    /** Every value of a repeatable option, in the order given. */
    public List<String> values(String name) {
        options.declared(name);
        return Collections.unmodifiableList(values.getOrDefault(name, Collections.emptyList()));
    }

    public String required(String name) throws UsageException {
        Optional<String> value = value(name);
        if (!value.isPresent()) {
            throw new UsageException(wording.missing(options.declared(name).label()));
        }
        return value.get();
    }

    public List<String> operands() {
        return operands;
    }

    public Optional<Path> path(String name) throws UsageException {
        Optional<String> value = value(name);
        return value.isPresent() ? Optional.of(toPath(name, value.get())) : Optional.empty();
    }

    public Path requiredPath(String name) throws UsageException {
        return toPath(name, required(name));
    }

    /** The operand at {@code index} as a path; errors name it by the operands' declared name. */
    public Path operandPath(int index) throws UsageException {
        return toPath(options.operandName(), operands.get(index));
    }

    private Path toPath(String what, String text) throws UsageException {
        if (text.isEmpty()) {
            throw new UsageException(wording.badPath(what, text, ""));
        }
        try {
            return Paths.get(text);
        } catch (InvalidPathException e) {
            throw new UsageException(wording.badPath(what, text, e.getReason()));
        }
    }

    /** A whole number in [min, max], or {@code otherwise} when the option is absent. */
    public long number(String name, long min, long max, long otherwise) throws UsageException {
        Optional<String> value = value(name);
        return value.isPresent() ? whole(name, value.get(), "a whole number", min, max) : otherwise;
    }

    /** A whole number in [min, max] that must be given. */
    public long requiredNumber(String name, long min, long max) throws UsageException {
        return whole(name, required(name), "a whole number", min, max);
    }

    /** A count such as {@code --threads}: a whole number from 1 to {@code max}. */
    public int count(String name, int max, int otherwise) throws UsageException {
        return (int) number(name, 1, max, otherwise);
    }

    /** A TCP port, 0 (any free port) to 65535, or {@code otherwise} when the option is absent. */
    public int port(String name, int otherwise) throws UsageException {
        Optional<String> value = value(name);
        return value.isPresent() ? (int) whole(name, value.get(), "a port number", 0, LARGEST_PORT) : otherwise;
    }

    public int requiredPort(String name) throws UsageException {
        return (int) whole(name, required(name), "a port number", 0, LARGEST_PORT);
    }

    /**
     * A duration given in seconds, fractions allowed ({@code 2}, {@code 0.5}), from zero up, or
     * {@code otherwise} when the option is absent.
     */
    public Duration seconds(String name, Duration otherwise) throws UsageException {
        Optional<String> value = value(name);
        if (!value.isPresent()) {
            return otherwise;
        }
        BigDecimal seconds;
        try {
            seconds = new BigDecimal(value.get().trim());
        } catch (NumberFormatException e) {
            throw new UsageException(wording.notSeconds(name, value.get()));
        }
        // A billion-second bound keeps the nanosecond arithmetic below exact and any typo visible.
        if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(1_000_000_000L)) > 0) {
            throw new UsageException(wording.notSeconds(name, value.get()));
        }
        return Duration.ofNanos(seconds.movePointRight(9).longValue());
    }

    private long whole(String name, String value, String kind, long min, long max) throws UsageException {
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(wording.notANumber(name, value, kind, min, max));
        }
        if (n < min || n > max) {
            throw new UsageException(wording.outOfRange(name, value, n, kind, min, max));
        }
        return n;
    }
}
