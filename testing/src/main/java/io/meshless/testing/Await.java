package io.meshless.testing;

import java.time.Duration;
import java.util.Objects;

/**
 * The one way tests wait for something asynchronous: poll a condition until it holds, fail with
 * an {@link AssertionError} that says what was awaited once the bound passed. The bound is a
 * ceiling for slow machines, never a timing assertion. When a child process does the work, {@link
 * #whileAlive} fails at once if it exits instead of waiting out the bound, with its diagnostics.
 *
 * <pre>
 *   await().until("the swapped set is current", () -&gt; serial(second).equals(currentSerial()));
 *   Await.atMost(Duration.ofSeconds(60)).every(Duration.ofMillis(200))
 *       .whileAlive(server, () -&gt; Files.readString(log))
 *       .until("the webhook is ready", () -&gt; ready(base));
 * </pre>
 */
public final class Await {

    /** What is polled; may throw, which fails the wait at once. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** Text appended to a failure, e.g. a child process's log; read only when the wait fails. */
    @FunctionalInterface
    public interface Diagnostics {
        String describe() throws Exception;
    }

    private static final Await DEFAULT = new Await(Duration.ofSeconds(30), Duration.ofMillis(20), null, () -> "");

    private final Duration bound;
    private final Duration interval;
    private final Process process;
    private final Diagnostics diagnostics;

    private Await(Duration bound, Duration interval, Process process, Diagnostics diagnostics) {
        this.bound = bound;
        this.interval = interval;
        this.process = process;
        this.diagnostics = diagnostics;
    }

    /** Polls every 20 ms for at most 30 s. */
    public static Await await() {
        return DEFAULT;
    }

    /** A wait with another bound (and otherwise the defaults). */
    public static Await atMost(Duration bound) {
        return DEFAULT.bound(bound);
    }

    /** The same wait with another bound. */
    public Await bound(Duration bound) {
        return new Await(positive(bound, "bound"), interval, process, diagnostics);
    }

    /** The same wait polling at another interval (for conditions that are expensive to ask, like a curl). */
    public Await every(Duration interval) {
        return new Await(bound, positive(interval, "interval"), process, diagnostics);
    }

    /** The same wait, failing at once when {@code process} exits, with {@code diagnostics} in the message. */
    public Await whileAlive(Process process, Diagnostics diagnostics) {
        return new Await(
                bound,
                interval,
                Objects.requireNonNull(process, "process"),
                Objects.requireNonNull(diagnostics, "diagnostics"));
    }

    /** The same wait with {@code diagnostics} in the failure message (e.g. a log file). */
    public Await describedBy(Diagnostics diagnostics) {
        return new Await(bound, interval, process, Objects.requireNonNull(diagnostics, "diagnostics"));
    }

    /** Returns once {@code condition} holds; otherwise throws an {@link AssertionError} naming {@code what}. */
    public void until(String what, Condition condition) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            if (process != null && !process.isAlive()) {
                throw new AssertionError(
                        "process exited (code " + process.exitValue() + ") while waiting for " + what + diagnostics());
            }
            boolean holds;
            try {
                holds = condition.holds();
            } catch (Exception e) {
                throw new AssertionError("failed while waiting for " + what + ": " + e + diagnostics(), e);
            }
            if (holds) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + bound + " waiting for " + what + diagnostics());
            }
            pause(what);
        }
    }

    /** What is polled for a value: null means not yet; may throw, which fails the wait at once. */
    @FunctionalInterface
    public interface Probe<T> {
        T value() throws Exception;
    }

    /** {@link #until} for a value: polls {@code probe} until it yields non-null, and returns that. */
    public <T> T untilPresent(String what, Probe<T> probe) {
        Object[] found = new Object[1];
        until(what, () -> (found[0] = probe.value()) != null);
        @SuppressWarnings("unchecked")
        T value = (T) found[0];
        return value;
    }

    private void pause(String what) {
        try {
            Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + what, e);
        }
    }

    private String diagnostics() {
        String text;
        try {
            text = diagnostics.describe();
        } catch (Exception e) {
            text = "(diagnostics unavailable: " + e + ")";
        }
        return text == null || text.isEmpty() ? "" : "\n" + text;
    }

    private static Duration positive(Duration duration, String name) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + duration);
        }
        return duration;
    }
}
