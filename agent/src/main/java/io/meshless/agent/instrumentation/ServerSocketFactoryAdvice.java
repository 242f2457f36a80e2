package io.meshless.agent.instrumentation;

import io.meshless.agent.bridge.MeshlessBridge;
import java.util.function.BiFunction;
import javax.net.ssl.SSLServerSocketFactory;
import net.bytebuddy.asm.Advice;

/** Inlined at the end of {@code SSLContext.getServerSocketFactory}. */
final class ServerSocketFactoryAdvice {
    private ServerSocketFactoryAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object context, @Advice.Return(readOnly = false) SSLServerSocketFactory factory) {
        BiFunction<Object, Object, Object> hook = MeshlessBridge.serverSocketFactory;
        if (hook != null) {
            factory = (SSLServerSocketFactory) hook.apply(context, factory);
        }
    }
}
