package io.meshless.agent.instrumentation;

import io.meshless.agent.bridge.MeshlessBridge;
import java.util.function.BiConsumer;
import net.bytebuddy.asm.Advice;

/** Inlined at the end of {@code SSLServerSocketImpl.accept}: accepted sockets keep their server's demand. */
final class ServerSocketAcceptAdvice {
    private ServerSocketAcceptAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object server, @Advice.Return Object accepted) {
        BiConsumer<Object, Object> hook = MeshlessBridge.socketAccepted;
        if (hook != null) {
            hook.accept(server, accepted);
        }
    }
}
