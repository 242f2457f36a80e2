package io.meshless.injector.check;

import java.time.Instant;

/** One check of {@code meshless-injector check}: a pure judgement of a cluster snapshot at an instant. */
abstract class MeshCheck {

    private final String id;
    private final String title;

    /**
     * @param id stable identifier, used in {@code --json}
     * @param title what holds when the check passes, e.g. "injector Deployment is ready"
     */
    MeshCheck(String id, String title) {
        this.id = id;
        this.title = title;
    }

    final String id() {
        return id;
    }

    final String title() {
        return title;
    }

    abstract CheckResult evaluate(ClusterState cluster, Instant now);

    final CheckResult pass(String detail) {
        return new CheckResult(id, title, CheckStatus.PASS, detail, null);
    }

    final CheckResult warn(String detail, String fix) {
        return new CheckResult(id, title, CheckStatus.WARN, detail, fix);
    }

    final CheckResult fail(String detail, String fix) {
        return new CheckResult(id, title, CheckStatus.FAIL, detail, fix);
    }
}
