package io.meshless.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.security.cert.X509Certificate;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * An HTTP library's own host-name verifier, which checks the host name again after the handshake
 * (a workload certificate names only its SPIFFE ID): its {@code verify(String, X509Certificate)},
 * the one method its other entry points delegate to, gets advice that lets through the leaves the
 * agent authorized by SPIFFE ID.
 */
final class HostnameVerifierInstrumentation implements TypeInstrumentation {

    private final String typeName;
    private final Class<?> advice;
    private final Class<?> returnType;

    private HostnameVerifierInstrumentation(String typeName, Class<?> advice, Class<?> returnType) {
        this.typeName = typeName;
        this.advice = advice;
        this.returnType = returnType;
    }

    /**
     * OkHttp 4 and 5: {@code verify(String, SSLSession)}, called after each handshake, delegates to the
     * boolean {@code verify(String, X509Certificate)}, as does connection coalescing (which also requires
     * the same IP address).
     */
    static HostnameVerifierInstrumentation okHttp() {
        return new HostnameVerifierInstrumentation(
                "okhttp3.internal.tls.OkHostnameVerifier", HostnameRefusedAdvice.class, boolean.class);
    }

    /**
     * Apache HttpClient 5: {@code AbstractClientTlsStrategy.verifySession} (policies CLIENT and BOTH)
     * calls {@code verify(String, X509Certificate)}, which throws {@code SSLException} on a mismatch;
     * {@code verify(String, SSLSession)} delegates to it.
     */
    static HostnameVerifierInstrumentation apacheHttpClient5() {
        return new HostnameVerifierInstrumentation(
                "org.apache.hc.client5.http.ssl.DefaultHostnameVerifier", HostnameMismatchAdvice.class, void.class);
    }

    /**
     * Apache HttpClient 4.5: {@code SSLConnectionSocketFactory} checks the host name only through its
     * verifier, after the handshake; {@code DefaultHostnameVerifier.verify(String, SSLSession)} catches
     * the {@code SSLException} of {@code verify(String, X509Certificate)} and returns false.
     */
    static HostnameVerifierInstrumentation apacheHttpClient4() {
        return new HostnameVerifierInstrumentation(
                "org.apache.http.conn.ssl.DefaultHostnameVerifier", HostnameMismatchAdvice.class, void.class);
    }

    /**
     * Apache HttpClient 4.x's deprecated verifiers ({@code BrowserCompatHostnameVerifier}, the default of
     * the old {@code SSLSocketFactory}, and {@code StrictHostnameVerifier}): their common base's final
     * {@code verify(String, X509Certificate)}, to which its socket and session entry points delegate.
     */
    static HostnameVerifierInstrumentation apacheHttpClient4Legacy() {
        return new HostnameVerifierInstrumentation(
                "org.apache.http.conn.ssl.AbstractVerifier", HostnameMismatchAdvice.class, void.class);
    }

    @Override
    public String typeName() {
        return typeName;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return (builder, type, classLoader, module, protectionDomain) -> builder.visit(Advice.to(advice)
                .on(named("verify")
                        .and(takesArguments(String.class, X509Certificate.class))
                        .and(returns(returnType))));
    }
}
