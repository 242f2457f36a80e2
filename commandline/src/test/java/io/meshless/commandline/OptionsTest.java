package io.meshless.commandline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {

    private final Options options = new Options()
            .value("--out", "DIR", "where")
            .repeatable("--dns", "NAME", "names")
            .flag("--force", "replace")
            .value("--hours", "N", "lifetime")
            .operands("PATH", 0, 1, "what");

    @Test
    void acceptsSeparateAndEqualsValuesFlagsAndOperandsAnywhere() throws UsageException {
        Arguments args = options.parse(List.of("in.pem", "--out", "d", "--dns=a.example", "--force", "--dns", "b"));

        assertThat(args.value("--out")).contains("d");
        assertThat(args.values("--dns")).containsExactly("a.example", "b");
        assertThat(args.flag("--force")).isTrue();
        assertThat(args.has("--hours")).isFalse();
        assertThat(args.value("--hours", "24")).isEqualTo("24");
        assertThat(args.operands()).containsExactly("in.pem");
    }

    @Test
    void anEqualsValueMayBeEmptyOrHoldAnotherEquals() throws UsageException {
        assertThat(options.parse(List.of("--out=")).value("--out")).contains("");
        assertThat(options.parse(List.of("--out=a=b")).value("--out")).contains("a=b");
    }

    @Test
    void doubleDashEndsOptionsSoOperandsMayStartWithADash() throws UsageException {
        assertThat(options.parse(List.of("--", "--weird-name")).operands()).containsExactly("--weird-name");
    }

    @Test
    void valueMayStartWithASingleDashButNotLookLikeAnOption() throws UsageException {
        assertThat(options.parse(List.of("--out", "-")).value("--out")).contains("-");
        assertThatThrownBy(() -> options.parse(List.of("--out", "--force")))
                .isInstanceOf(UsageException.class)
                .hasMessage("--out needs a value (DIR)");
    }

    @Test
    void refusesUnknownOptionNamingTheChoices() {
        assertThatThrownBy(() -> options.parse(List.of("--outt", "x")))
                .isInstanceOf(UsageException.class)
                .hasMessage("unknown option --outt; expected one of --out, --dns, --force, --hours");
        assertThatThrownBy(() -> options.parse(List.of("--outt=x")))
                .isInstanceOf(UsageException.class)
                .hasMessageStartingWith("unknown option --outt;");
        assertThatThrownBy(() -> options.parse(List.of("-x")))
                .isInstanceOf(UsageException.class)
                .hasMessageStartingWith("unknown option -x;");
        assertThatThrownBy(() -> new Options().parse(List.of("--any")))
                .isInstanceOf(UsageException.class)
                .hasMessage("unknown option --any");
    }

    @Test
    void refusesRepeatingASingleValuedOptionOrFlag() {
        assertThatThrownBy(() -> options.parse(List.of("--out", "a", "--out", "b")))
                .isInstanceOf(UsageException.class)
                .hasMessage("--out is given more than once");
        assertThatThrownBy(() -> options.parse(List.of("--force", "--force")))
                .isInstanceOf(UsageException.class)
                .hasMessage("--force is given more than once");
    }

    @Test
    void refusesValueOnAFlagAndMissingTrailingValue() {
        assertThatThrownBy(() -> options.parse(List.of("--force=yes")))
                .isInstanceOf(UsageException.class)
                .hasMessage("--force takes no value, got 'yes'");
        assertThatThrownBy(() -> options.parse(List.of("--hours")))
                .isInstanceOf(UsageException.class)
                .hasMessage("--hours needs a value (N)");
    }

    @Test
    void refusesExtraOrMissingOperands() {
        assertThatThrownBy(() -> options.parse(List.of("a", "b")))
                .isInstanceOf(UsageException.class)
                .hasMessage("too many arguments, expected at most 1 PATH, got 'a' 'b'");
        assertThatThrownBy(() -> new Options().operands("FILE", 1, 1, "f").parse(List.of()))
                .isInstanceOf(UsageException.class)
                .hasMessage("missing FILE");
        assertThatThrownBy(() -> new Options().parse(List.of("stray")))
                .isInstanceOf(UsageException.class)
                .hasMessage("unexpected argument 'stray'");
        assertThatThrownBy(() -> new Options().operandHint("use -f FILE").parse(List.of("stray")))
                .isInstanceOf(UsageException.class)
                .hasMessage("unexpected argument 'stray' (use -f FILE)");
    }

    @Test
    void numbersAreCheckedForFormAndRange() throws UsageException {
        assertThat(options.parse(List.of()).number("--hours", 1, 10, 5)).isEqualTo(5);
        assertThat(options.parse(List.of("--hours", "7")).number("--hours", 1, 10, 5))
                .isEqualTo(7);
        assertThatThrownBy(() -> options.parse(List.of("--hours", "soon")).number("--hours", 1, 10, 5))
                .isInstanceOf(UsageException.class)
                .hasMessage("--hours 'soon' is not a whole number");
        assertThatThrownBy(() -> options.parse(List.of("--hours", "0")).number("--hours", 1, 10, 5))
                .isInstanceOf(UsageException.class)
                .hasMessage("--hours 0 is out of range, expected 1 to 10");
        assertThatThrownBy(() -> options.parse(List.of("--hours", "99999999999999999999"))
                        .number("--hours", 1, 10, 5))
                .isInstanceOf(UsageException.class)
                .hasMessage("--hours '99999999999999999999' is not a whole number");
    }

    @Test
    void aCountStartsAtOneAndIsNoPortNumber() throws UsageException {
        Options threads = new Options().value("--threads", "N", "threads");
        assertThat(threads.parse(List.of()).count("--threads", 256, 2)).isEqualTo(2);
        assertThat(threads.parse(List.of("--threads", "256")).count("--threads", 256, 2))
                .isEqualTo(256);
        assertThatThrownBy(() -> threads.parse(List.of("--threads", "0")).count("--threads", 256, 2))
                .isInstanceOf(UsageException.class)
                .hasMessage("--threads 0 is out of range, expected 1 to 256");
        assertThatThrownBy(() -> threads.parse(List.of("--threads", "8443")).count("--threads", 256, 2))
                .isInstanceOf(UsageException.class)
                .hasMessage("--threads 8443 is out of range, expected 1 to 256");
    }

    @Test
    void portsAreZeroTo65535() throws UsageException {
        Options port = new Options().value("--port", "N", "port");
        assertThat(port.parse(List.of()).port("--port", 8443)).isEqualTo(8443);
        assertThat(port.parse(List.of("--port=0")).port("--port", 8443)).isZero();
        assertThat(port.parse(List.of("--port", "65535")).requiredPort("--port"))
                .isEqualTo(65535);
        assertThatThrownBy(() -> port.parse(List.of("--port", "65536")).port("--port", 8443))
                .isInstanceOf(UsageException.class)
                .hasMessage("--port 65536 is out of range, expected 0 to 65535");
        assertThatThrownBy(() -> port.parse(List.of("--port", "https")).port("--port", 8443))
                .isInstanceOf(UsageException.class)
                .hasMessage("--port 'https' is not a port number");
        assertThatThrownBy(() -> port.parse(List.of()).requiredPort("--port"))
                .isInstanceOf(UsageException.class)
                .hasMessage("missing --port N");
    }

    @Test
    void secondsAreDecimalAndNotNegative() throws UsageException {
        Options seconds = new Options().value("--seconds", "S", "how long");
        assertThat(seconds.parse(List.of()).seconds("--seconds", java.time.Duration.ofSeconds(5)))
                .hasSeconds(5);
        assertThat(seconds.parse(List.of("--seconds", "0.25")).seconds("--seconds", java.time.Duration.ZERO))
                .hasMillis(250);
        for (String bad : new String[] {"-1", "soon", "1e12", ""}) {
            assertThatThrownBy(() -> seconds.parse(List.of("--seconds=" + bad)).seconds("--seconds", null))
                    .as(bad)
                    .isInstanceOf(UsageException.class)
                    .hasMessage("--seconds '" + bad + "' is not a number of seconds from 0 to 1000000000");
        }
    }

    @Test
    void pathsMustBeNonEmptyAndValid() throws UsageException {
        assertThat(options.parse(List.of("--out", "d/e")).requiredPath("--out")).isEqualTo(Path.of("d/e"));
        assertThat(options.parse(List.of()).path("--out")).isEmpty();
        assertThat(options.parse(List.of("in.pem")).operandPath(0)).isEqualTo(Path.of("in.pem"));
        assertThatThrownBy(() -> options.parse(List.of("--out=")).requiredPath("--out"))
                .isInstanceOf(UsageException.class)
                .hasMessage("--out is empty, expected a path");
        assertThatThrownBy(() -> options.parse(List.of("--out", "a\0b")).path("--out"))
                .isInstanceOf(UsageException.class)
                .hasMessageStartingWith("--out 'a\0b' is not a valid path: ");
        assertThatThrownBy(() -> options.parse(List.of("")).operandPath(0))
                .isInstanceOf(UsageException.class)
                .hasMessage("PATH is empty, expected a path");
    }

    @Test
    void requiredOptionMissingIsNamedWithItsValue() throws UsageException {
        Arguments args = options.parse(List.of());
        assertThatThrownBy(() -> args.required("--out"))
                .isInstanceOf(UsageException.class)
                .hasMessage("missing --out DIR");
    }

    @Test
    void anAliasIsAnotherSpellingAndErrorsNameTheOption() throws UsageException {
        Options file = new Options().value("--filename", "FILE", "input").alias("-f", "--filename");
        assertThat(file.parse(List.of("-f", "-")).value("--filename")).contains("-");
        assertThat(file.parse(List.of("-f=x.yaml")).value("--filename")).contains("x.yaml");
        assertThatThrownBy(() -> file.parse(List.of("-f")))
                .isInstanceOf(UsageException.class)
                .hasMessage("--filename needs a value (FILE)");
        assertThatThrownBy(() -> file.parse(List.of("-f", "a", "--filename", "b")))
                .isInstanceOf(UsageException.class)
                .hasMessage("--filename is given more than once");
    }

    @Test
    void mistakenDeclarationsAndReadsAreProgrammingErrors() throws UsageException {
        assertThatThrownBy(() -> new Options().flag("force", "no dashes"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("force");
        assertThatThrownBy(() -> new Options().flag("--x", "a").value("--x", "V", "again"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("--x");
        assertThatThrownBy(() -> new Options().alias("-f", "--filename"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("--filename");
        Arguments args = options.parse(List.of());
        assertThatThrownBy(() -> args.value("--undeclared"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("--undeclared");
    }

    @Test
    void helpIsRecognisedBeforeDoubleDashOnly() {
        assertThat(Options.wantsHelp(List.of("--out", "x", "-h"))).isTrue();
        assertThat(Options.wantsHelp(List.of("--help"))).isTrue();
        assertThat(Options.wantsHelp(List.of("--out", "x"))).isFalse();
        assertThat(Options.wantsHelp(List.of("--", "--help"))).isFalse();
    }

    @Test
    void describeListsEveryOptionAndHelp() {
        assertThat(options.describe())
                .isEqualTo("Arguments:\n"
                        + "  PATH                      what\n"
                        + "\n"
                        + "Options:\n"
                        + "  --out DIR                 where\n"
                        + "  --dns NAME ...            names\n"
                        + "  --force                   replace\n"
                        + "  --hours N                 lifetime\n"
                        + "  -h, --help                show this help\n");
    }

    @Test
    void describeWrapsLongLabelsAndIndentsMultiLineHelp() {
        assertThat(new Options()
                        .value("--a-rather-long-option-name", "VALUE", "first\nsecond")
                        .describe())
                .isEqualTo("Options:\n"
                        + "  --a-rather-long-option-name VALUE\n"
                        + "                            first\n"
                        + "                            second\n"
                        + "  -h, --help                show this help\n");
    }
}
