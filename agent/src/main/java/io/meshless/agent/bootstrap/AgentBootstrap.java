package io.meshless.agent.bootstrap;

import io.meshless.agent.FirstTlsUse;
import java.lang.instrument.Instrumentation;

/**
 * The {@code Premain-Class} and {@code Agent-Class} of the Meshless agent.
 *
 * <p>Deliberately tiny and made of JDK types only: if anything goes wrong while the agent loads
 * its own classes, the application must still start. Every failure is reported on stderr and
 * swallowed; nothing is ever thrown into the application.
 *
 * <p>The one agent class it names, {@link FirstTlsUse}, is called directly, not through reflection:
 * on JDK 18 and later {@code Method.invoke} spins method handles, ~30 ms of start-up on JDK 25. The
 * verifier has no reason to load that class while linking this one (no value of its type passes
 * through here), so it loads at the call, inside the {@code try}, where a missing or broken class
 * is a {@link LinkageError} caught like any other failure.
 */
public final class AgentBootstrap {
    /** How the line starts that says the agent failed to set itself up and stays out of the way. */
    public static final String NOT_INSTALLED = "[meshless] agent not installed, the application continues without it";

    private AgentBootstrap() {}

    public static void premain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation, false);
    }

    public static void agentmain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation, true);
    }

    private static void start(String arguments, Instrumentation instrumentation, boolean attached) {
        try {
            FirstTlsUse.install(arguments, instrumentation, attached);
        } catch (Throwable t) {
            try {
                System.err.println(NOT_INSTALLED + ": " + t);
            } catch (Throwable ignored) {
                // stderr itself is broken: there is nobody left to tell.
            }
        }
    }
}
