package io.meshless.agent.bootstrap;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;

/**
 * The {@code Premain-Class} and {@code Agent-Class} of the Meshless agent.
 *
 * <p>Deliberately tiny and made of JDK types only: if anything goes wrong while the agent loads
 * its own classes, the application must still start. Every failure is reported on stderr and
 * swallowed; nothing is ever thrown into the application.
 */
public final class AgentBootstrap {

    private static final String AGENT_CLASS = "io.meshless.agent.FirstTlsUse";

    private AgentBootstrap() {
    }

    public static void premain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation, false);
    }

    public static void agentmain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation, true);
    }

    private static void start(String arguments, Instrumentation instrumentation, boolean attached) {
        try {
            Class<?> agent = Class.forName(AGENT_CLASS, true, AgentBootstrap.class.getClassLoader());
            Method install = agent.getMethod("install", String.class, Instrumentation.class, boolean.class);
            install.invoke(null, arguments, instrumentation, attached);
        } catch (Throwable t) {
            Throwable cause = t instanceof java.lang.reflect.InvocationTargetException && t.getCause() != null
                    ? t.getCause() : t;
            try {
                System.err.println("[meshless] agent not installed, the application continues without it: " + cause);
            } catch (Throwable ignored) {
                // stderr itself is broken: there is nobody left to tell.
            }
        }
    }
}
