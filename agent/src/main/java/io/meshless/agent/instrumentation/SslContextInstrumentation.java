package io.meshless.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * {@code javax.net.ssl.SSLContext}: {@code init} (agent managers for null ones),
 * {@code getDefault} (the agent's default, installed on first use), {@code setDefault} (refused once installed), {@code createSSLEngine} and
 * {@code getServerSocketFactory} (client auth for managed server sides).
 */
final class SslContextInstrumentation implements TypeInstrumentation {

    @Override
    public String typeName() {
        return "javax.net.ssl.SSLContext";
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return (builder, type, classLoader, module, protectionDomain) -> builder.visit(
                        Advice.to(SslContextInitAdvice.class)
                                .on(named("init").and(takesArguments(3)).and(isPublic())))
                .visit(Advice.to(SslContextGetDefaultAdvice.class)
                        .on(named("getDefault").and(isStatic()).and(takesArguments(0))))
                .visit(Advice.to(SslContextSetDefaultAdvice.class)
                        .on(named("setDefault").and(isStatic()).and(takesArguments(1))))
                .visit(Advice.to(CreateEngineAdvice.class).on(named("createSSLEngine")))
                .visit(Advice.to(ServerSocketFactoryAdvice.class)
                        .on(named("getServerSocketFactory").and(takesArguments(0))));
    }
}
