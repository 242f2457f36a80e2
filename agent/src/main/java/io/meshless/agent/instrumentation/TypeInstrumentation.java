package io.meshless.agent.instrumentation;

import net.bytebuddy.agent.builder.AgentBuilder;

/** One type the agent changes (a JDK type or an HTTP library's): its exact name and the advice applied to it. */
interface TypeInstrumentation {
    /** The fully qualified name; matched exactly, nothing else is looked at. */
    String typeName();

    AgentBuilder.Transformer transformer();
}
