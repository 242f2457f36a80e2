package io.meshless.agent.instrumentation;

import io.meshless.agent.bridge.MeshlessBridge;
import java.util.function.BiFunction;
import javax.net.ssl.SSLEngine;
import net.bytebuddy.asm.Advice;

/** Inlined at the end of both {@code SSLContext.createSSLEngine} methods. */
final class CreateEngineAdvice {
    private CreateEngineAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object context, @Advice.Return(readOnly = false) SSLEngine engine) {
        BiFunction<Object, Object, Object> hook = MeshlessBridge.engineCreated;
        if (hook != null) {
            engine = (SSLEngine) hook.apply(context, engine);
        }
    }
}
