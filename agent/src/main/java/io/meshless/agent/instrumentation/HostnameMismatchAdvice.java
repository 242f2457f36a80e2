package io.meshless.agent.instrumentation;

import io.meshless.agent.bridge.MeshlessBridge;
import java.util.function.BiPredicate;
import javax.net.ssl.SSLException;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the end of a {@code void verify(String host, X509Certificate leaf) throws SSLException}
 * host-name check: the refusal is thrown unless the agent authorized that very leaf by SPIFFE ID.
 * Other throwables pass untouched.
 */
final class HostnameMismatchAdvice {
    private HostnameMismatchAdvice() {}

    @Advice.OnMethodExit(onThrowable = SSLException.class, suppress = Throwable.class)
    static void exit(
            @Advice.Argument(0) String host,
            @Advice.Argument(1) Object leaf,
            @Advice.Thrown(readOnly = false) Throwable refusal) {
        if (refusal instanceof SSLException) {
            BiPredicate<String, Object> securelyNamed = MeshlessBridge.securelyNamed;
            if (securelyNamed != null && securelyNamed.test(host, leaf)) {
                refusal = null;
            }
        }
    }
}
