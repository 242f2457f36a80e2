package io.meshless.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.io.InputStream;
import java.net.Socket;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code sun.security.ssl.SSLSocketImpl} and {@code SSLServerSocketImpl}: the setters that can lower client
 * authentication, and {@code accept}, so that strict and permissive hold for server sockets of managed
 * contexts (and the sockets they accept) however the application reconfigures them.
 *
 * <p>Advice on the JDK's implementation rather than a wrapping {@code SSLServerSocket}: a wrapper is a
 * second {@code ServerSocket} with its own unused socket state, every method of which (bind, accept,
 * close, options, channel, those added in later JDKs) must be forwarded by hand, and the accepted
 * {@code SSLSocket}s could only be covered by wrapping {@code Socket} as well, which applications see
 * and cast. The advised methods are the public {@code SSLSocket}/{@code SSLServerSocket} overrides,
 * present with these signatures in SunJSSE from JDK 11 to 25; on a JDK without them the matchers find
 * nothing and server sockets keep the demand they were created with.
 */
final class SslSocketImplInstrumentation implements TypeInstrumentation {

    private final String typeName;
    private final boolean serverSocket;

    private SslSocketImplInstrumentation(String typeName, boolean serverSocket) {
        this.typeName = typeName;
        this.serverSocket = serverSocket;
    }

    static SslSocketImplInstrumentation sockets() {
        return new SslSocketImplInstrumentation("sun.security.ssl.SSLSocketImpl", false);
    }

    static SslSocketImplInstrumentation serverSockets() {
        return new SslSocketImplInstrumentation("sun.security.ssl.SSLServerSocketImpl", true);
    }

    @Override
    public String typeName() {
        return typeName;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        ElementMatcher.Junction<MethodDescription> clientAuthSetters = isPublic()
                .and(takesArguments(1))
                .and(named("setNeedClientAuth")
                        .or(named("setWantClientAuth"))
                        .or(named("setSSLParameters"))
                        .or(named("setUseClientMode")));
        boolean accepts = serverSocket;
        return (builder, type, classLoader, module, protectionDomain) -> {
            builder = builder.visit(Advice.to(SocketClientAuthAdvice.class).on(clientAuthSetters));
            return accepts
                    ? builder.visit(Advice.to(ServerSocketAcceptAdvice.class)
                            .on(named("accept").and(takesArguments(0))))
                    : builder.visit(Advice.to(LayeredServerSocketAdvice.class)
                            .on(isConstructor()
                                    .and(takesArguments(4))
                                    .and(takesArgument(1, Socket.class))
                                    .and(takesArgument(2, InputStream.class))));
        };
    }
}
