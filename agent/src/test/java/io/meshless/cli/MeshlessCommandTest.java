package io.meshless.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MeshlessCommandTest {

    @Test
    void helpListsEveryCommand() {
        for (String help : new String[] {"--help", "-h", "help"}) {
            Cli cli = Cli.run(help).succeeded();
            assertThat(cli.out)
                    .contains("Usage: java -jar meshless-agent.jar <command>")
                    .contains("ca create")
                    .contains("issue")
                    .contains("inspect")
                    .contains("status");
        }
    }

    @Test
    void everyCommandHasHelpWithItsUsageAndOptions() {
        for (String[] command : new String[][] {{"ca", "create"}, {"issue"}, {"inspect"}, {"status"}}) {
            String name = String.join(" ", command);
            String[] args = new String[command.length + 1];
            System.arraycopy(command, 0, args, 0, command.length);
            args[command.length] = "--help";

            Cli cli = Cli.run(args).succeeded();

            assertThat(cli.out)
                    .as(name)
                    .startsWith("Usage: meshless " + name + " ")
                    .contains("Options:")
                    .contains("--help");
        }
        assertThat(Cli.run("help", "issue").succeeded().out).startsWith("Usage: meshless issue ");
        assertThat(Cli.run("help", "ca", "create").succeeded().out).startsWith("Usage: meshless ca create ");
    }

    @Test
    void helpWinsOverOtherwiseBadArguments() {
        assertThat(Cli.run("issue", "--no-such-option", "--help").succeeded().out)
                .startsWith("Usage: meshless issue");
    }

    @Test
    void noCommandIsBadUsage() {
        Cli.run().badUsage("missing command", "ca create, issue, inspect, status");
    }

    @Test
    void unknownCommandIsBadUsageNamingIt() {
        Cli.run("frobnicate").badUsage("unknown command 'frobnicate'", "meshless --help");
    }

    @Test
    void caGroupWithoutSubcommandIsBadUsageAndHasHelp() {
        Cli.run("ca").badUsage("meshless ca: missing subcommand; expected one of create");
        Cli.run("ca", "destroy").badUsage("unknown subcommand 'destroy'");
        assertThat(Cli.run("ca", "--help").succeeded().out).contains("create");
    }

    @Test
    void unknownOptionIsBadUsagePointingAtTheCommandsHelp() {
        Cli.run("inspect", "--colour", "x")
                .badUsage("meshless inspect: unknown option --colour", "meshless inspect --help");
    }

    @Test
    void versionPrintsSomething() {
        assertThat(Cli.run("--version").succeeded().out).startsWith("meshless ");
    }

    @Test
    void multiLineReasonsBecomeOneLine() {
        assertThat(MeshlessCommand.oneLine("first\n  second\r\nthird")).isEqualTo("first second third");
    }
}
