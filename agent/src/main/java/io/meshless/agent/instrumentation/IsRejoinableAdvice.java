package io.meshless.agent.instrumentation;

import io.meshless.agent.bridge.MeshlessBridge;
import java.util.function.Predicate;
import net.bytebuddy.asm.Advice;

/** Inlined at the end of {@code SSLSessionImpl.isRejoinable()}: the agent may veto a resumption. */
final class IsRejoinableAdvice {
    private IsRejoinableAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object session, @Advice.Return(readOnly = false) boolean rejoinable) {
        if (rejoinable) {
            Predicate<Object> hook = MeshlessBridge.refuseResumption;
            if (hook != null && hook.test(session)) {
                rejoinable = false;
            }
        }
    }
}
