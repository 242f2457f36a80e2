package io.meshless.cli;

import io.meshless.commandline.Arguments;
import io.meshless.commandline.Options;
import java.io.PrintStream;

/** One {@code meshless} command: its name, its help and what it does. */
interface Command {

    /** As typed, e.g. {@code "issue"} or {@code "ca create"}. */
    String name();

    /** One line for the command list in {@code meshless --help}. */
    String summary();

    /** The argument pattern after the name, e.g. {@code "--out DIR [options]"}. */
    String synopsis();

    /** A paragraph (or a few) shown in {@code meshless <command> --help} between usage and options. */
    String description();

    /** The options this command accepts; {@code --help} is added by the dispatcher. */
    Options options();

    /**
     * Runs the command. Results go to {@code out}; a failure is thrown, never printed, so the
     * dispatcher can print exactly one line on stderr and pick the exit code.
     */
    void execute(Arguments arguments, PrintStream out) throws Exception;
}
