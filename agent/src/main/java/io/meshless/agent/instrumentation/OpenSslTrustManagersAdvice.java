package io.meshless.agent.instrumentation;

import io.meshless.agent.bridge.MeshlessBridge;
import java.util.function.Function;
import javax.net.ssl.TrustManager;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the start of Netty's static {@code ReferenceCountedOpenSslContext.chooseTrustManager(TrustManager[]
 * ...)}, where client and server contexts pick the trust manager their verify callback calls: one that trusts
 * exactly the mesh bundle (a context built with {@code trustManager(caFile)}) becomes the agent's mesh trust
 * manager. Contexts built with default trust already get it from the default TrustManagerFactory algorithm.
 */
final class OpenSslTrustManagersAdvice {
    private OpenSslTrustManagersAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(value = 0, readOnly = false) TrustManager[] managers) {
        Function<Object, Object> agent = MeshlessBridge.openSslTrustManagers;
        if (agent != null && managers != null) {
            Object ours = agent.apply(managers);
            if (ours instanceof TrustManager[]) {
                managers = (TrustManager[]) ours;
            }
        }
    }
}
