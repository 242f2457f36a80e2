package io.meshless.agent.instrumentation;

import io.meshless.agent.bridge.MeshlessBridge;
import java.util.function.BiFunction;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import net.bytebuddy.asm.Advice;

/** Inlined at the start of {@code SSLContext.init(KeyManager[], TrustManager[], SecureRandom)}. */
final class SslContextInitAdvice {
    private SslContextInitAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
            @Advice.This Object context,
            @Advice.FieldValue("contextSpi") Object implementation,
            @Advice.Argument(value = 0, readOnly = false) KeyManager[] keyManagers,
            @Advice.Argument(value = 1, readOnly = false) TrustManager[] trustManagers) {
        BiFunction<Object, Object[], Object[]> hook = MeshlessBridge.contextInit;
        if (hook != null) {
            Object[] replaced = hook.apply(context, new Object[] {keyManagers, trustManagers, implementation});
            if (replaced != null) {
                keyManagers = (KeyManager[]) replaced[0];
                trustManagers = (TrustManager[]) replaced[1];
            }
        }
    }
}
