package io.meshless.agent.instrumentation;

import io.meshless.agent.bridge.MeshlessBridge;
import java.util.function.Consumer;
import net.bytebuddy.asm.Advice;

/**
 * Around Netty's static {@code ReferenceCountedOpenSslServerContext.newSessionContext(thiz, ...)}, inside which
 * the server context turns its key material into a provider ({@code providerFor}, where adoption happens): the
 * agent learns which server contexts hold the workload key, so their engines ask clients what the mode demands.
 */
final class OpenSslServerContextAdvice {
    private OpenSslServerContextAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter() {
        Runnable agent = MeshlessBridge.openSslServerContextStarts;
        if (agent != null) {
            agent.run();
        }
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Argument(0) Object context) {
        Consumer<Object> agent = MeshlessBridge.openSslServerContextBuilt;
        if (agent != null) {
            agent.accept(context);
        }
    }
}
