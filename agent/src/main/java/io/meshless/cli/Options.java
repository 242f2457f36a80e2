package io.meshless.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one command accepts, and the one place where command-line arguments are parsed and help
 * is formatted. Kept hand-rolled on purpose: the agent jar carries no CLI library into the
 * application's JVM for a handful of commands.
 *
 * <p>Accepted forms: {@code --name value}, {@code --name=value}, flags {@code --name}, operands
 * anywhere, and {@code --} to end options (so an operand may start with {@code -}).
 */
final class Options {

    /** One declared option. A null {@code valueName} makes it a flag. */
    static final class Option {
        final String name;
        final String valueName;
        final boolean repeatable;
        final String help;

        Option(String name, String valueName, boolean repeatable, String help) {
            this.name = name;
            this.valueName = valueName;
            this.repeatable = repeatable;
            this.help = help;
        }

        boolean isFlag() {
            return valueName == null;
        }

        String label() {
            return isFlag() ? name : name + " " + valueName;
        }
    }

    private final Map<String, Option> options = new LinkedHashMap<>();
    private String operandName;
    private String operandHelp;
    private int minOperands;
    private int maxOperands;

    Options flag(String name, String help) {
        return add(new Option(name, null, false, help));
    }

    Options value(String name, String valueName, String help) {
        return add(new Option(name, valueName, false, help));
    }

    Options repeatable(String name, String valueName, String help) {
        return add(new Option(name, valueName, true, help));
    }

    /** Declares operands (positional arguments); by default a command takes none. */
    Options operands(String name, int min, int max, String help) {
        this.operandName = name;
        this.operandHelp = help;
        this.minOperands = min;
        this.maxOperands = max;
        return this;
    }

    private Options add(Option option) {
        if (!option.name.startsWith("--") || options.put(option.name, option) != null) {
            throw new IllegalStateException("bad or duplicate option declaration " + option.name);
        }
        return this;
    }

    /** True when {@code args} ask for help ({@code --help} or {@code -h} before any {@code --}). */
    static boolean wantsHelp(List<String> args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                return false;
            }
            if (arg.equals("--help") || arg.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    Arguments parse(List<String> args) throws UsageException {
        Map<String, List<String>> values = new LinkedHashMap<>();
        List<String> operands = new ArrayList<>();
        boolean optionsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (optionsEnded || arg.equals("-") || !arg.startsWith("-")) {
                operands.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                optionsEnded = true;
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq > 0 ? arg.substring(0, eq) : arg;
            Option option = options.get(name);
            if (option == null) {
                throw new UsageException("unknown option " + name
                        + (options.isEmpty() ? "" : "; expected one of " + String.join(", ", options.keySet())));
            }
            String value;
            if (option.isFlag()) {
                if (eq > 0) {
                    throw new UsageException(name + " takes no value, got '" + arg.substring(eq + 1) + "'");
                }
                value = "true";
            } else if (eq > 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.size() && !looksLikeOption(args.get(i + 1))) {
                value = args.get(++i);
            } else {
                throw new UsageException(name + " needs a value (" + option.valueName + ")");
            }
            List<String> list = values.computeIfAbsent(name, k -> new ArrayList<>());
            if (!list.isEmpty() && !option.repeatable) {
                throw new UsageException(name + " is given more than once");
            }
            list.add(value);
        }
        if (operands.size() > maxOperands) {
            throw new UsageException(
                    maxOperands == 0
                            ? "unexpected argument '" + operands.get(0) + "'"
                            : "too many arguments, expected at most " + maxOperands + " " + operandName + ", got '"
                                    + String.join("' '", operands) + "'");
        }
        if (operands.size() < minOperands) {
            throw new UsageException("missing " + operandName);
        }
        return new Arguments(this, values, operands);
    }

    /** A following argument that starts with "--" is the next option, not this one's value. */
    private static boolean looksLikeOption(String arg) {
        return arg.startsWith("--") && arg.length() > 2;
    }

    Option declared(String name) {
        Option option = options.get(name);
        if (option == null) {
            throw new IllegalStateException("option " + name + " is not declared");
        }
        return option;
    }

    /** The "Arguments:" and "Options:" part of a command's help. */
    String describe() {
        StringBuilder b = new StringBuilder();
        if (operandName != null) {
            b.append("Arguments:\n");
            row(b, operandName, operandHelp);
            b.append('\n');
        }
        b.append("Options:\n");
        for (Option option : options.values()) {
            row(b, option.label() + (option.repeatable ? " ..." : ""), option.help);
        }
        row(b, "-h, --help", "show this help");
        return b.toString();
    }

    private static void row(StringBuilder b, String label, String help) {
        b.append("  ").append(label);
        int pad = 28 - 2 - label.length();
        if (pad < 2) {
            b.append('\n');
            pad = 28;
        }
        b.append(String.join("", Collections.nCopies(pad, " ")))
                .append(help.replace("\n", "\n" + String.join("", Collections.nCopies(28, " "))))
                .append('\n');
    }
}
