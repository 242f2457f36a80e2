package io.meshless.agent.instrumentation;

import io.meshless.agent.bridge.MeshlessBridge;
import java.util.function.BiConsumer;
import net.bytebuddy.asm.Advice;

/**
 * At the end of Netty's {@code ReferenceCountedOpenSslEngine} constructors, which set the context's client-auth
 * choice on the new engine: a server engine of a context holding the workload key is raised to what the mode
 * demands, through the engine's own {@code setNeedClientAuth}/{@code setWantClientAuth}.
 */
final class OpenSslEngineAdvice {
    private OpenSslEngineAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object engine, @Advice.Argument(0) Object context) {
        BiConsumer<Object, Object> agent = MeshlessBridge.openSslEngineCreated;
        if (agent != null) {
            agent.accept(context, engine);
        }
    }
}
