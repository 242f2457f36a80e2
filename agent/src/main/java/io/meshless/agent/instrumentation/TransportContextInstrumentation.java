package io.meshless.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * {@code sun.security.ssl.TransportContext.fatal(Alert, String, boolean, Throwable)}, where every fatal
 * alert of a JDK socket or engine passes: a client that sends no certificate to a server requiring
 * one is refused there, and no trust manager is ever called for it, so this is the one place the agent
 * can see (and log) that refusal. The other fatal overloads delegate to this one.
 *
 * <p>An internal JDK type with this method and its {@code transport} field from JDK 11 to 25; on a JDK
 * without them the matcher finds nothing and such refusals go unlogged, as before.
 */
final class TransportContextInstrumentation implements TypeInstrumentation {

    static final String TYPE = "sun.security.ssl.TransportContext";

    @Override
    public String typeName() {
        return TYPE;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return (builder, type, classLoader, module, protectionDomain) -> builder.visit(Advice.to(FatalAlertAdvice.class)
                .on(named("fatal").and(takesArguments(4)).and(takesArgument(1, String.class))));
    }
}
