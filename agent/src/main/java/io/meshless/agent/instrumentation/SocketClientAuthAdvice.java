package io.meshless.agent.instrumentation;

import io.meshless.agent.bridge.MeshlessBridge;
import java.util.function.BiConsumer;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the end of the client-auth setters of {@code SSLServerSocketImpl} and {@code SSLSocketImpl}:
 * the agent re-applies the mode's demand to sockets of managed contexts.
 */
final class SocketClientAuthAdvice {
    private SocketClientAuthAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object socket, @Advice.Origin("#m") String method) {
        BiConsumer<Object, String> hook = MeshlessBridge.socketClientAuthSet;
        if (hook != null) {
            hook.accept(socket, method);
        }
    }
}
