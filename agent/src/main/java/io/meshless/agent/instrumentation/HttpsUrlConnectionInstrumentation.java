package io.meshless.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/** {@code javax.net.ssl.HttpsURLConnection.setDefaultSSLSocketFactory}: the agent's factory stays. */
final class HttpsUrlConnectionInstrumentation implements TypeInstrumentation {

    @Override
    public String typeName() {
        return "javax.net.ssl.HttpsURLConnection";
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return (builder, type, classLoader, module, protectionDomain) ->
                builder.visit(Advice.to(DefaultSocketFactoryAdvice.class)
                        .on(named("setDefaultSSLSocketFactory").and(isStatic())));
    }
}
