package io.meshless.injector.check;

import java.time.Instant;

/** One check of {@code meshless-injector check}: a pure judgement of a cluster snapshot at an instant. */
public interface MeshCheck {

    /** Stable identifier, used in {@code --json}. */
    String id();

    /** What holds when the check passes, e.g. "injector Deployment is ready". */
    String title();

    CheckResult evaluate(ClusterState cluster, Instant now);

    default CheckResult pass(String detail) {
        return new CheckResult(id(), title(), CheckStatus.PASS, detail, null);
    }

    default CheckResult warn(String detail, String fix) {
        return new CheckResult(id(), title(), CheckStatus.WARN, detail, fix);
    }

    default CheckResult fail(String detail, String fix) {
        return new CheckResult(id(), title(), CheckStatus.FAIL, detail, fix);
    }
}
