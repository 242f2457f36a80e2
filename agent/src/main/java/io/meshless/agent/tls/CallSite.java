package io.meshless.agent.tls;

import java.security.CodeSource;
import java.util.Objects;

/**
 * Where the application called from: the first frame that is neither the agent's (its jar, or the bridge
 * in the boot loader) nor the JDK's TLS classes. By code source rather than package name, so that an
 * application's own {@code io.meshless} classes still count as the application.
 */
public final class CallSite {
    private static final CodeSource AGENT = codeSource(CallSite.class);
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private CallSite() {}

    public static String ofApplication() {
        return WALKER.walk(frames -> frames.filter(f -> !isAgentOrJsse(f.getDeclaringClass()))
                .findFirst()
                .map(f -> f.toStackTraceElement().toString())
                .orElse("(unknown caller)"));
    }

    private static boolean isAgentOrJsse(Class<?> type) {
        String name = type.getName();
        return name.startsWith("javax.net.ssl.")
                || name.startsWith("sun.security.ssl.")
                || name.startsWith("io.meshless.agent.bridge.")
                || Objects.equals(codeSource(type), AGENT);
    }

    private static CodeSource codeSource(Class<?> type) {
        return type.getProtectionDomain().getCodeSource();
    }
}
