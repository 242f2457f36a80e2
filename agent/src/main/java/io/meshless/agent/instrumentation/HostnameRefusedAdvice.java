package io.meshless.agent.instrumentation;

import io.meshless.agent.bridge.MeshlessBridge;
import java.util.function.BiPredicate;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the end of a {@code boolean verify(String host, X509Certificate leaf)} host-name check:
 * a refusal stands unless the agent authorized that very leaf by SPIFFE ID.
 */
final class HostnameRefusedAdvice {
    private HostnameRefusedAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(
            @Advice.Argument(0) String host,
            @Advice.Argument(1) Object leaf,
            @Advice.Return(readOnly = false) boolean verified) {
        if (!verified) {
            BiPredicate<String, Object> securelyNamed = MeshlessBridge.securelyNamed;
            if (securelyNamed != null && securelyNamed.test(host, leaf)) {
                verified = true;
            }
        }
    }
}
