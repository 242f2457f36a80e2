package io.meshless.commandline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one command accepts, and the one place where command-line arguments are parsed and help is
 * formatted, for the agent's {@code meshless}, the injector and the benchmark tools. Hand-rolled on
 * purpose: the agent jar carries it into applications' JVMs, and a CLI library would cost more than
 * all of this (docs/architecture.md).
 *
 * <p>Accepted forms: {@code --name value}, {@code --name=value}, flags {@code --name}, operands
 * anywhere, and {@code --} to end options (so an operand may start with {@code -}). A value that
 * looks like an option ({@code --out --force}) is refused as a missing value, not taken. Options
 * given twice are refused unless declared repeatable.
 */
public final class Options {

    private final Wording wording;
    private final Map<String, Option> options = new LinkedHashMap<>();
    private final Map<String, String> aliases = new LinkedHashMap<>();
    private String operandName;
    private String operandHelp;
    private int minOperands;
    private int maxOperands;
    private String operandHint = "";

    /** Options worded {@link Wording#DETAILED}. */
    public Options() {
        this(Wording.DETAILED);
    }

    public Options(Wording wording) {
        this.wording = wording;
    }

    /** A boolean option: present or not, never with a value. */
    public Options flag(String name, String help) {
        return add(new Option(name, null, false, help));
    }

    /** An option with one value, {@code valueName} its placeholder in help ({@code DIR}, {@code N}). */
    public Options value(String name, String valueName, String help) {
        return add(new Option(name, valueName, false, help));
    }

    /** An option that may be given several times, each with one value. */
    public Options repeatable(String name, String valueName, String help) {
        return add(new Option(name, valueName, true, help));
    }

    /** Another spelling of a declared option, e.g. {@code -f} for {@code --filename}; errors name the option. */
    public Options alias(String alias, String name) {
        declared(name);
        if (!alias.startsWith("-")
                || alias.equals("-")
                || options.containsKey(alias)
                || aliases.put(alias, name) != null) {
            throw new IllegalStateException("bad or duplicate alias declaration " + alias);
        }
        return this;
    }

    /** Declares operands (positional arguments); by default a command takes none. */
    public Options operands(String name, int min, int max, String help) {
        this.operandName = name;
        this.operandHelp = help;
        this.minOperands = min;
        this.maxOperands = max;
        return this;
    }

    /** For a command without operands: what to say instead when one is given, e.g. "use -f FILE". */
    public Options operandHint(String hint) {
        this.operandHint = hint;
        return this;
    }

    private Options add(Option option) {
        if (!option.name.startsWith("--") || options.put(option.name, option) != null) {
            throw new IllegalStateException("bad or duplicate option declaration " + option.name);
        }
        return this;
    }

    /** True when {@code args} ask for help ({@code --help} or {@code -h} before any {@code --}). */
    public static boolean wantsHelp(List<String> args) {
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

    public Arguments parse(List<String> args) throws UsageException {
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
            String typed = eq > 0 ? arg.substring(0, eq) : arg;
            Option option = options.get(aliases.getOrDefault(typed, typed));
            if (option == null) {
                throw new UsageException(wording.unknownOption(typed, options.keySet()));
            }
            String value;
            if (option.isFlag()) {
                if (eq > 0) {
                    throw new UsageException(wording.takesNoValue(option, arg.substring(eq + 1)));
                }
                value = "true";
            } else if (eq > 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.size() && !looksLikeOption(args.get(i + 1))) {
                value = args.get(++i);
            } else {
                throw new UsageException(wording.needsValue(option));
            }
            // No lambda here: the benchmark tools time their JVM's start-up, and a first lambda costs a
            // java.lang.invoke bootstrap (the pom's -XDstringConcat=inline does the same for concatenation).
            List<String> list = values.get(option.name);
            if (list == null) {
                list = new ArrayList<>();
                values.put(option.name, list);
            } else if (!option.repeatable) {
                throw new UsageException(wording.givenTwice(option));
            }
            list.add(value);
        }
        if (operands.size() > maxOperands) {
            throw new UsageException(
                    maxOperands == 0
                            ? wording.unexpectedOperand(operands.get(0), operandHint)
                            : wording.tooManyOperands(maxOperands, operandName, operands));
        }
        if (operands.size() < minOperands) {
            throw new UsageException(wording.missing(operandName));
        }
        return new Arguments(this, wording, values, operands);
    }

    /** A following argument that starts with "--" is the next option, not this one's value. */
    private static boolean looksLikeOption(String arg) {
        return arg.startsWith("--") && arg.length() > 2;
    }

    String operandName() {
        return operandName;
    }

    Option declared(String name) {
        Option option = options.get(name);
        if (option == null) {
            throw new IllegalStateException("option " + name + " is not declared");
        }
        return option;
    }

    /** The "Arguments:" and "Options:" part of a command's help. */
    public String describe() {
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
