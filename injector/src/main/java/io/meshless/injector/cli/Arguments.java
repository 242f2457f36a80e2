package io.meshless.injector.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** "--name value", "--name=value" and boolean "--flag" options, with unknown ones refused. */
final class Arguments {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    Arguments(String command, List<String> args, Set<String> valued, Set<String> flags) throws UsageException {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("-") || !arg.startsWith("-")) {
                positional.add(arg);
                continue;
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (flags.contains(name)) {
                if (value != null) {
                    throw new UsageException(command + ": " + name + " takes no value");
                }
                values.put(name, "true");
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException(command + ": " + name + " needs a value");
                    }
                    value = args.get(++i);
                }
                values.put(name, value);
            } else {
                throw new UsageException(command + ": unknown option " + name + " (see " + command + " --help)");
            }
        }
    }

    String get(String name) {
        return values.get(name);
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    List<String> positional() {
        return positional;
    }

    int port(String name, int fallback, String command) throws UsageException {
        return whole(name, 0, 65535, fallback, command, "a port number");
    }

    /** A whole number in [min, max], or {@code fallback} when the option is absent. */
    int number(String name, int min, int max, int fallback, String command) throws UsageException {
        return whole(name, min, max, fallback, command, "a whole number");
    }

    private int whole(String name, int min, int max, int fallback, String command, String what) throws UsageException {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(
                    command + ": " + name + " must be " + what + " " + min + "-" + max + ", not \"" + value + "\"");
        }
    }
}
