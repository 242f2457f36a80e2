package io.meshless.agent.instrumentation;

import io.meshless.agent.bridge.MeshlessBridge;
import java.util.function.BiConsumer;
import net.bytebuddy.asm.Advice;

/**
 * At the end of Netty's private {@code ReferenceCountedOpenSslEngine.handshake()}, each step of a handshake, whose
 * {@code FINISHED} says it is done: audit mode reports a client that sent a managed server no certificate there, as
 * JSSE engines report it at their own end of the handshake.
 */
final class OpenSslHandshakeAdvice {
    private OpenSslHandshakeAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object engine, @Advice.Return Object status) {
        BiConsumer<Object, Object> agent = MeshlessBridge.openSslHandshakeStep;
        if (agent != null) {
            agent.accept(engine, status);
        }
    }
}
