package io.meshless.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThat(args.operands()).containsExactly("in.pem");
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
    }

    @Test
    void refusesRepeatingASingleValuedOption() {
        assertThatThrownBy(() -> options.parse(List.of("--out", "a", "--out", "b")))
                .isInstanceOf(UsageException.class)
                .hasMessage("--out is given more than once");
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
    void refusesExtraOperands() {
        assertThatThrownBy(() -> options.parse(List.of("a", "b")))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("too many arguments")
                .hasMessageContaining("'a' 'b'");
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
    }

    @Test
    void requiredOptionMissingIsNamedWithItsValue() throws UsageException {
        Arguments args = options.parse(List.of());
        assertThatThrownBy(() -> args.required("--out"))
                .isInstanceOf(UsageException.class)
                .hasMessage("missing --out DIR");
    }

    @Test
    void helpIsRecognisedBeforeDoubleDashOnly() {
        assertThat(Options.wantsHelp(List.of("--out", "x", "-h"))).isTrue();
        assertThat(Options.wantsHelp(List.of("--", "--help"))).isFalse();
    }

    @Test
    void describeListsEveryOptionAndHelp() {
        assertThat(options.describe())
                .contains("Arguments:\n  PATH")
                .contains("  --out DIR ")
                .contains("  --dns NAME ... ")
                .contains("  --force ")
                .contains("  -h, --help");
    }
}
