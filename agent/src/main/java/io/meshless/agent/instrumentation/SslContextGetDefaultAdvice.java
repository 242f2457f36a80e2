package io.meshless.agent.instrumentation;

import io.meshless.agent.bridge.MeshlessBridge;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code SSLContext.getDefault}: the agent's default is in place before it is read. */
final class SslContextGetDefaultAdvice {
    private SslContextGetDefaultAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter() {
        Runnable hook = MeshlessBridge.beforeGetDefault;
        if (hook != null) {
            hook.run();
        }
    }
}
