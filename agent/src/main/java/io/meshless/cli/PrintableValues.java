package io.meshless.cli;

import io.meshless.commandline.Arguments;
import io.meshless.commandline.UsageException;
import io.meshless.pki.ControlCharacters;

/**
 * Refuses control characters (newline, ESC, ...) in option values that end up in certificates,
 * where they forge log lines and drive the terminals of whoever inspects them.
 */
final class PrintableValues {

    private PrintableValues() {}

    static void require(Arguments args, String... names) throws UsageException {
        for (String name : names) {
            for (String value : args.values(name)) {
                int at = ControlCharacters.indexIn(value);
                if (at >= 0) {
                    throw new UsageException(name + " '" + ControlCharacters.escape(value) + "' contains the control"
                            + " character U+" + String.format("%04X", (int) value.charAt(at)) + " at position " + at
                            + "; certificates must not carry control characters");
                }
            }
        }
    }
}
