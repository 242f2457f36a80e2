package io.meshless.agent.instrumentation;

import io.meshless.agent.bridge.MeshlessBridge;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the start of Netty's static {@code ReferenceCountedOpenSslContext.providerFor(KeyManagerFactory,
 * String)}, through which client and server contexts turn every key manager factory into key material,
 * including the one Netty builds from a certificate chain and key ({@code forServer(crtFile, keyFile)}): a
 * factory holding the workload key becomes the agent's, so rotation reaches new handshakes. The agent's
 * factory is a plain one, for which Netty creates a provider that asks the key manager at every handshake.
 */
final class OpenSslKeyManagerFactoryAdvice {
    private OpenSslKeyManagerFactoryAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(value = 0, readOnly = false) KeyManagerFactory factory) {
        Function<Object, Object> agent = MeshlessBridge.openSslKeyManagerFactory;
        if (agent != null && factory != null) {
            Object ours = agent.apply(factory);
            if (ours instanceof KeyManagerFactory) {
                factory = (KeyManagerFactory) ours;
            }
        }
    }
}
