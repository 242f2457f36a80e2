package io.meshless.pki;

/**
 * Control characters in text that came from a certificate or a command line: a subject with a
 * newline forges log lines, one with ESC drives the terminal that prints it.
 */
public final class ControlCharacters {
    private ControlCharacters() {}

    /** The index of the first control character (C0, DEL, C1), or -1. */
    public static int indexIn(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** {@code text} with each control character written as {@code \n}, {@code \t} or {@code \u001b}. */
    public static String escape(String text) {
        if (text == null || indexIn(text) < 0) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
