package io.meshless.injector.http;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BooleanSupplier;

/**
 * The conditions behind GET /readyz. Webhook and controller register theirs; ready means all
 * are true. Conditions are evaluated at each probe, never cached.
 */
public final class Readiness {
    private final Map<String, BooleanSupplier> conditions = new ConcurrentSkipListMap<>();

    public void register(String name, BooleanSupplier ready) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ready, "ready");
        if (conditions.putIfAbsent(name, ready) != null) {
            throw new IllegalArgumentException("readiness condition registered twice: " + name);
        }
    }

    /** The result of one probe. */
    public Report check() {
        StringBuilder body = new StringBuilder();
        boolean all = true;
        for (Map.Entry<String, BooleanSupplier> entry : conditions.entrySet()) {
            boolean ok;
            try {
                ok = entry.getValue().getAsBoolean();
            } catch (RuntimeException e) {
                ok = false;
            }
            all &= ok;
            body.append(entry.getKey()).append(ok ? " ok" : " not ready").append('\n');
        }
        if (conditions.isEmpty()) {
            all = false;
            body.append("no readiness conditions registered\n");
        }
        return new Report(all, body.toString());
    }

    public record Report(boolean ready, String body) {}
}
