package io.meshless.cli;

import io.meshless.commandline.Arguments;
import io.meshless.commandline.Options;
import io.meshless.commandline.UsageException;
import io.meshless.pki.PkiException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code java -jar meshless-agent.jar <command>}: the Main-Class of the agent jar.
 *
 * <p>Exit codes: 0 success, 1 failure (a check failed, a file is bad), 2 bad usage. Every failure
 * is one line on stderr, {@code meshless <command>: <reason>}, so scripts can show it as is.
 */
public final class MeshlessCommand {

    static final String PROGRAM = "meshless";
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private final List<Command> commands;

    MeshlessCommand(List<Command> commands) {
        this.commands = Collections.unmodifiableList(new ArrayList<>(commands));
    }

    /** The commands of this JVM: system clock, real system properties and environment. */
    static MeshlessCommand standard() {
        return standard(Clock.systemUTC(), System::getProperty, System.getenv()::get);
    }

    static MeshlessCommand standard(
            Clock clock, Function<String, String> systemProperty, Function<String, String> environment) {
        return new MeshlessCommand(Arrays.asList(
                new CaCreateCommand(clock),
                new IssueCommand(clock),
                new InspectCommand(clock),
                new StatusCommand(clock, systemProperty, environment)));
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs one command line in-process and returns its exit code; tests call this directly. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return standard().execute(args, out, err);
    }

    int execute(String[] argv, PrintStream out, PrintStream err) {
        List<String> args = Arrays.asList(argv);
        if (args.isEmpty()) {
            err.println(PROGRAM + ": missing command; expected one of " + names() + " (see '" + PROGRAM + " --help')");
            return USAGE;
        }
        String first = args.get(0);
        if (first.equals("--help") || first.equals("-h") || first.equals("help")) {
            return help(args.subList(1, args.size()), out, err);
        }
        if (first.equals("--version") || first.equals("version")) {
            out.println(PROGRAM + " " + version());
            return OK;
        }
        Command command = find(args);
        if (command == null) {
            return unknownCommand(args, out, err);
        }
        List<String> rest = args.subList(command.name().split(" ").length, args.size());
        if (Options.wantsHelp(rest)) {
            out.print(helpText(command));
            return OK;
        }
        try {
            Arguments arguments = command.options().parse(rest);
            command.execute(arguments, out);
            return OK;
        } catch (UsageException e) {
            err.println(PROGRAM + " " + command.name() + ": " + oneLine(e.getMessage()) + " (see '" + PROGRAM + " "
                    + command.name() + " --help')");
            return USAGE;
        } catch (Exception e) {
            err.println(PROGRAM + " " + command.name() + ": " + oneLine(reason(e)));
            return FAILED;
        }
    }

    /** Turns what a command throws into the reason a person reads. */
    static String reason(Throwable e) {
        if (e instanceof UncheckedIOException && e.getCause() != null) {
            return reason(e.getCause());
        }
        if (e instanceof CommandFailedException || e instanceof PkiException) {
            return e.getMessage();
        }
        if (e instanceof NoSuchFileException) {
            return ((NoSuchFileException) e).getFile() + ": no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return ((AccessDeniedException) e).getFile() + ": permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return ((NotDirectoryException) e).getFile() + ": not a directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return ((FileAlreadyExistsException) e).getFile() + ": already exists";
        }
        if (e instanceof IOException) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        // Not an expected failure: still one line, but say what kind of thing went wrong.
        return "unexpected " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** Messages from exceptions may span lines; stderr gets exactly one. */
    static String oneLine(String message) {
        return message == null
                ? ""
                : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }

    private Command find(List<String> args) {
        Command best = null;
        for (Command command : commands) {
            List<String> words = Arrays.asList(command.name().split(" "));
            if (args.size() >= words.size()
                    && args.subList(0, words.size()).equals(words)
                    && (best == null || words.size() > best.name().split(" ").length)) {
                best = command;
            }
        }
        return best;
    }

    /** "ca" alone, "ca --help", "ca frobnicate", or a word that is no command at all. */
    private int unknownCommand(List<String> args, PrintStream out, PrintStream err) {
        String group = args.get(0);
        List<Command> members = group(group);
        if (members.isEmpty()) {
            err.println(PROGRAM + ": unknown command '" + group + "'; expected one of " + names() + " (see '" + PROGRAM
                    + " --help')");
            return USAGE;
        }
        if (Options.wantsHelp(args.subList(1, args.size()))) {
            out.print(groupHelp(group, members));
            return OK;
        }
        List<String> subcommands = new ArrayList<>();
        for (Command member : members) {
            subcommands.add(member.name().substring(group.length() + 1));
        }
        String problem = args.size() == 1 ? "missing subcommand" : "unknown subcommand '" + args.get(1) + "'";
        err.println(PROGRAM + " " + group + ": " + problem + "; expected one of " + String.join(", ", subcommands)
                + " (see '" + PROGRAM + " " + group + " --help')");
        return USAGE;
    }

    private List<Command> group(String word) {
        List<Command> members = new ArrayList<>();
        for (Command command : commands) {
            if (command.name().startsWith(word + " ")) {
                members.add(command);
            }
        }
        return members;
    }

    private int help(List<String> topic, PrintStream out, PrintStream err) {
        if (topic.isEmpty()) {
            out.print(overview());
            return OK;
        }
        Command command = find(topic);
        if (command != null && command.name().split(" ").length == topic.size()) {
            out.print(helpText(command));
            return OK;
        }
        if (topic.size() == 1 && !group(topic.get(0)).isEmpty()) {
            out.print(groupHelp(topic.get(0), group(topic.get(0))));
            return OK;
        }
        err.println(PROGRAM + " help: unknown command '" + String.join(" ", topic) + "'; expected one of " + names());
        return USAGE;
    }

    private String overview() {
        StringBuilder b = new StringBuilder();
        b.append("Usage: java -jar meshless-agent.jar <command> [options]\n\n")
                .append("Meshless command line: create a mesh CA, issue workload certificates in the\n")
                .append("Kubernetes Secret layout (tls.crt, tls.key, ca.crt), inspect certificates and\n")
                .append("keystores, and show what the agent would load.\n\n")
                .append("Commands:\n");
        for (Command command : commands) {
            b.append("  ")
                    .append(pad(command.name(), 12))
                    .append(command.summary())
                    .append('\n');
        }
        b.append("\nRun '")
                .append(PROGRAM)
                .append(" <command> --help' for a command's options.\n")
                .append("Exit codes: 0 success, 1 failure, 2 bad usage; the reason is one line on stderr.\n");
        return b.toString();
    }

    private static String groupHelp(String group, List<Command> members) {
        StringBuilder b =
                new StringBuilder("Usage: " + PROGRAM + " " + group + " <subcommand> [options]\n\nSubcommands:\n");
        for (Command member : members) {
            b.append("  ")
                    .append(pad(member.name(), 12))
                    .append(member.summary())
                    .append('\n');
        }
        return b.toString();
    }

    static String helpText(Command command) {
        return "Usage: " + PROGRAM + " " + command.name() + " " + command.synopsis() + "\n\n"
                + command.description().trim() + "\n\n"
                + command.options().describe();
    }

    private String names() {
        Set<String> names = new LinkedHashSet<>();
        for (Command command : commands) {
            names.add(command.name());
        }
        return String.join(", ", names);
    }

    private static String pad(String s, int width) {
        StringBuilder b = new StringBuilder(s);
        do {
            b.append(' ');
        } while (b.length() < width);
        return b.toString();
    }

    private static String version() {
        String v = MeshlessCommand.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }
}
