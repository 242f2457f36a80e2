package io.meshless.pki.reload;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling for asynchronous outcomes: no fixed sleeps, no timing assertions. */
final class Await {
    private Await() {}

    static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }
}
