package io.meshless.agent.instrumentation;

import io.meshless.agent.bridge.MeshlessBridge;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the start of Netty's static {@code ReferenceCountedOpenSslClientContext.newSessionContext(thiz, ctx,
 * engines, trustCertCollection, trustManagerFactory, keyCertChain, key, keyPassword, keyManagerFactory, ...)}:
 * a client context built with no key material gets the agent's key manager factory, as JSSE clients get the
 * agent's key manager for {@code SSLContext.init(null, ...)}. Without it the context has no certificate
 * callback and never answers a server's certificate request.
 */
final class OpenSslClientKeysAdvice {
    private OpenSslClientKeysAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
            @Advice.Argument(0) Object context,
            @Advice.Argument(5) Object keyCertChain,
            @Advice.Argument(value = 8, readOnly = false) KeyManagerFactory keyManagerFactory) {
        Function<Object, Object> agent = MeshlessBridge.openSslClientWithoutKeys;
        if (agent != null && keyManagerFactory == null && keyCertChain == null) {
            Object ours = agent.apply(context);
            if (ours instanceof KeyManagerFactory) {
                keyManagerFactory = (KeyManagerFactory) ours;
            }
        }
    }
}
