package io.meshless.injector.check;

import java.util.Locale;

/** The outcome of one check; only {@link #FAIL} makes {@code check} exit 1. */
public enum CheckStatus {
    PASS("✔"),
    WARN("‼"),
    FAIL("✘");

    private final String mark;

    CheckStatus(String mark) {
        this.mark = mark;
    }

    /** The mark printed before the check's line. */
    public String mark() {
        return mark;
    }

    /** The word used in {@code --json}: pass, warn, fail. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
