package io.meshless.agent.instrumentation;

import io.meshless.agent.bridge.MeshlessBridge;
import java.util.function.Predicate;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code HttpsURLConnection.setDefaultSSLSocketFactory}: the agent's factory stays. */
final class DefaultSocketFactoryAdvice {
    private DefaultSocketFactoryAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static boolean enter(@Advice.Argument(0) Object factory) {
        Predicate<Object> refuse = MeshlessBridge.refuseDefaultSocketFactory;
        return refuse != null && refuse.test(factory);
    }
}
