package io.meshless.injector.check;

import java.util.Objects;

/**
 * What one check found: a stable {@code id} (for scripts reading {@code --json}), a title, the
 * outcome, what was seen, and for a warning or failure what to do about it.
 */
public record CheckResult(String id, String title, CheckStatus status, String detail, String fix) {

    public CheckResult {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
        if (status != CheckStatus.PASS && (fix == null || fix.isEmpty())) {
            throw new IllegalArgumentException("check " + id + " reports " + status.label() + " without a fix");
        }
    }
}
