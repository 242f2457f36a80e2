package io.meshless.agent.instrumentation;

import io.meshless.agent.bridge.MeshlessBridge;
import java.util.function.Predicate;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code SSLContext.setDefault}: once the agent installed its default, it stays. */
final class SslContextSetDefaultAdvice {
    private SslContextSetDefaultAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static boolean enter(@Advice.Argument(0) Object context) {
        Predicate<Object> refuse = MeshlessBridge.refuseDefaultContext;
        return refuse != null && refuse.test(context);
    }
}
