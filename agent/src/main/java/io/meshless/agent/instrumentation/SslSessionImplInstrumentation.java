package io.meshless.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * {@code sun.security.ssl.SSLSessionImpl.isRejoinable()}: the one question SunJSSE asks before it
 * resumes a session, for TLS 1.2 session IDs and tickets and for TLS 1.3 PSKs, on both sides. A
 * resumed handshake calls no key manager, so this is the only place the agent can stop a session
 * established with a rotated-away certificate from living on: TLS 1.3 turns every resumption into
 * new tickets that carry the old certificate forward, and a one-time cache sweep after the swap
 * races with handshakes in flight.
 *
 * <p>An internal JDK type, present with this method since the JDK 11 TLS rewrite up to JDK 25; on a
 * JDK without it the matcher finds nothing and the post-rotation cache sweep is what remains.
 */
final class SslSessionImplInstrumentation implements TypeInstrumentation {

    static final String TYPE = "sun.security.ssl.SSLSessionImpl";

    @Override
    public String typeName() {
        return TYPE;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return (builder, type, classLoader, module, protectionDomain) ->
                builder.visit(Advice.to(IsRejoinableAdvice.class)
                        .on(named("isRejoinable").and(takesArguments(0)).and(returns(boolean.class))));
    }
}
