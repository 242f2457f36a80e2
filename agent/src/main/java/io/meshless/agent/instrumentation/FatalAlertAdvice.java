package io.meshless.agent.instrumentation;

import io.meshless.agent.bridge.MeshlessBridge;
import java.util.function.BiConsumer;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the start of {@code TransportContext.fatal}: a server refusing a client that sent no
 * certificate ("Empty client certificate chain", the server side's wording on TLS 1.2 and 1.3) is
 * reported with its socket or engine.
 */
final class FatalAlertAdvice {
    private FatalAlertAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.FieldValue("transport") Object transport, @Advice.Argument(1) String diagnostic) {
        if (diagnostic != null && diagnostic.startsWith("Empty client certificate chain")) {
            BiConsumer<Object, String> hook = MeshlessBridge.clientSentNoCertificate;
            if (hook != null) {
                hook.accept(transport, diagnostic);
            }
        }
    }
}
