package io.meshless.agent.instrumentation;

import io.meshless.agent.bridge.MeshlessBridge;
import java.util.function.Consumer;
import net.bytebuddy.asm.Advice;

/**
 * At the end of Netty's static {@code ReferenceCountedOpenSslClientContext.newSessionContext(thiz, ...)}, returned or
 * thrown, inside which the client context turned its key material into a provider ({@code providerFor}): the agent
 * learns which client contexts present the workload certificate, whose cached sessions a rotation invalidates.
 */
final class OpenSslClientContextAdvice {
    private OpenSslClientContextAdvice() {}

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Argument(0) Object context) {
        Consumer<Object> agent = MeshlessBridge.openSslClientContextBuilt;
        if (agent != null) {
            agent.accept(context);
        }
    }
}
