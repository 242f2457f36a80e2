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
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": " + name + " must be a port number 0-65535, not \"" + value + "\"");
        }
    }

    /** A whole number in [min, max], or the fallback when absent. */
    int number(String name, int fallback, int min, int max, String command) throws UsageException {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below, with the range
        }
        throw new UsageException(
                command + ": " + name + " must be a number " + min + "-" + max + ", not \"" + value + "\"");
    }
}
