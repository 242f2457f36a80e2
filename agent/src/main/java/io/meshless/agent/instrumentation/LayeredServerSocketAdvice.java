package io.meshless.agent.instrumentation;

import io.meshless.agent.bridge.MeshlessBridge;
import java.util.function.BiConsumer;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the end of {@code SSLSocketImpl(SSLContextImpl, Socket, InputStream, boolean)}, the server
 * side of {@code SSLSocketFactory.createSocket(Socket, InputStream, boolean)} (STARTTLS-style servers that
 * accept plain sockets and layer TLS on them): such a socket of a managed context keeps the mode's demand.
 */
final class LayeredServerSocketAdvice {
    private LayeredServerSocketAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object socket, @Advice.Argument(0) Object contextImplementation) {
        BiConsumer<Object, Object> hook = MeshlessBridge.layeredServerSocket;
        if (hook != null) {
            hook.accept(contextImplementation, socket);
        }
    }
}
