package io.meshless.examples.ingress;

import java.util.concurrent.TimeUnit;

/** Ending the processes a test started (nginx, the app's JVM). */
final class ChildProcesses {

    private ChildProcesses() {}

    /** Asks {@code process} to stop (SIGTERM) and kills it when it has not within ten seconds. */
    static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
