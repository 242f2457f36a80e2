package io.meshless.commandline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The injector's voice: the command first, short lines; the parsing is the same as {@link OptionsTest}'s. */
class BriefWordingTest {

    private final Options serve = new Options(Wording.brief("serve"))
            .value("--port", "N", "port")
            .value("--threads", "N", "threads")
            .value("--kubeconfig", "F", "kubeconfig")
            .value("--seconds", "S", "how long")
            .value("--dir", "DIR", "where")
            .flag("--json", "json");

    private static final Options INJECT = new Options(Wording.brief("inject"))
            .value("--filename", "FILE", "input")
            .alias("-f", "--filename")
            .operandHint("use -f FILE");

    @Test
    void parsesAsTheDetailedOptionsDo() throws UsageException {
        Arguments args = serve.parse(List.of("--port=8443", "--json", "--kubeconfig", "k"));
        assertThat(args.port("--port", 1)).isEqualTo(8443);
        assertThat(args.flag("--json")).isTrue();
        assertThat(args.value("--kubeconfig", null)).isEqualTo("k");
        assertThat(INJECT.parse(List.of("-f", "-")).value("--filename")).contains("-");
    }

    @Test
    void syntaxErrorsLeadWithTheCommand() {
        assertThatThrownBy(() -> serve.parse(List.of("--bogus")))
                .isInstanceOf(UsageException.class)
                .hasMessage("serve: unknown option --bogus (see serve --help)");
        assertThatThrownBy(() -> serve.parse(List.of("--kubeconfig")))
                .isInstanceOf(UsageException.class)
                .hasMessage("serve: --kubeconfig needs a value");
        assertThatThrownBy(() -> serve.parse(List.of("--json=yes")))
                .isInstanceOf(UsageException.class)
                .hasMessage("serve: --json takes no value");
        assertThatThrownBy(() -> serve.parse(List.of("--port", "1", "--port", "2")))
                .isInstanceOf(UsageException.class)
                .hasMessage("serve: --port is given more than once");
        assertThatThrownBy(() -> serve.parse(List.of("cluster")))
                .isInstanceOf(UsageException.class)
                .hasMessage("serve: unexpected argument \"cluster\"");
        assertThatThrownBy(() -> INJECT.parse(List.of("x.yaml")))
                .isInstanceOf(UsageException.class)
                .hasMessage("inject: unexpected argument \"x.yaml\" (use -f FILE)");
        assertThatThrownBy(() -> INJECT.parse(List.of("-f")))
                .isInstanceOf(UsageException.class)
                .hasMessage("inject: --filename needs a value");
    }

    @Test
    void typedErrorsNameTheRangeAndTheBadValue() {
        for (String bad : new String[] {"two", "0", "257", "8443", "99999999999999999999"}) {
            assertThatThrownBy(() -> serve.parse(List.of("--threads", bad)).count("--threads", 256, 2))
                    .as(bad)
                    .isInstanceOf(UsageException.class)
                    .hasMessage("serve: --threads must be a whole number 1-256, not \"" + bad + "\"");
        }
        for (String bad : new String[] {"https", "-1", "65536"}) {
            assertThatThrownBy(() -> serve.parse(List.of("--port=" + bad)).port("--port", 8443))
                    .as(bad)
                    .isInstanceOf(UsageException.class)
                    .hasMessage("serve: --port must be a port number 0-65535, not \"" + bad + "\"");
        }
        assertThatThrownBy(() -> serve.parse(List.of("--seconds", "soon")).seconds("--seconds", null))
                .isInstanceOf(UsageException.class)
                .hasMessage("serve: --seconds 'soon' is not a number of seconds from 0 to 1000000000");
        assertThatThrownBy(() -> serve.parse(List.of("--dir=")).requiredPath("--dir"))
                .isInstanceOf(UsageException.class)
                .hasMessage("serve: --dir is empty, expected a path");
        assertThatThrownBy(() -> serve.parse(List.of()).required("--dir"))
                .isInstanceOf(UsageException.class)
                .hasMessage("serve: missing --dir DIR");
    }

    @Test
    void aBriefWordingNeedsItsCommand() {
        assertThatThrownBy(() -> Wording.brief(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("command");
    }
}
