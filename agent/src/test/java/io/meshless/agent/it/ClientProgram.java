package io.meshless.agent.it;

import io.meshless.agent.apps.Apache4ClientApp;
import io.meshless.agent.apps.ApacheClientApp;
import io.meshless.agent.apps.JdkHttpClient;
import io.meshless.agent.apps.JettyClientApp;
import io.meshless.agent.apps.NettyClientApp;
import io.meshless.agent.apps.OkHttpClientApp;
import io.meshless.agent.apps.SocketClient;
import io.meshless.agent.apps.UrlConnectionClient;
import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Jdk;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** The unmodified client programs of the coverage matrix. */
enum ClientProgram {
    HTTPS_URL_CONNECTION(UrlConnectionClient.class, ""),
    JDK_HTTP_CLIENT(JdkHttpClient.class, ""),
    SSL_SOCKET_FACTORY(SocketClient.class, ""),
    /*
     * OkHttp and Apache HttpClient check the host name again with their own verifiers after the
     * handshake, which a certificate naming only a SPIFFE ID cannot satisfy. The agent's hooks on
     * those verifiers lets through exactly the leaves its trust manager authorized by SPIFFE ID, so
     * secure naming reaches them; every other refusal of theirs stands (HostNameVerificationIT).
     */
    OKHTTP(OkHttpClientApp.class, ""),
    APACHE_CREATE_DEFAULT(ApacheClientApp.class, "default"),
    APACHE_CREATE_SYSTEM(ApacheClientApp.class, "system"),
    /* HttpClient's own verifier is the only host-name check, as with OkHttp. */
    APACHE_CLIENT_POLICY(ApacheClientApp.class, "client-policy"),
    /* HttpClient 4.5 checks host names only with its own verifier, after the handshake. */
    APACHE4_CREATE_DEFAULT(Apache4ClientApp.class, "default"),
    APACHE4_CREATE_SYSTEM(Apache4ClientApp.class, "system"),
    APACHE4_LEGACY_VERIFIER(Apache4ClientApp.class, "legacy"),
    NETTY_JDK_PROVIDER(NettyClientApp.class, ""),
    JETTY_CLIENT(JettyClientApp.class, "");

    private final Class<?> mainClass;
    private final String arg;

    ClientProgram(Class<?> mainClass, String arg) {
        this.mainClass = mainClass;
        this.arg = arg;
    }

    /**
     * The JDK's client and the HTTP libraries whose own host-name verifiers the agent advises, each on
     * JDK 17 and 25: for {@code @MethodSource} in the secure-naming negative tests.
     */
    static Stream<Arguments> hostNameCheckersOnBothJdks() {
        return Jdk.both().stream().flatMap(jdk -> Stream.of(
                        JDK_HTTP_CLIENT,
                        OKHTTP,
                        APACHE_CREATE_DEFAULT,
                        APACHE_CLIENT_POLICY,
                        APACHE4_CREATE_DEFAULT,
                        APACHE4_LEGACY_VERIFIER)
                .map(program -> Arguments.of(jdk, program)));
    }

    ChildJvm start(Jdk jdk, String agentArgs) {
        return builder(jdk, agentArgs).start();
    }

    /** For a start with JVM options of its own. */
    ChildJvm.Builder builder(Jdk jdk, String agentArgs) {
        ChildJvm.Builder builder = ChildJvm.builder(jdk, mainClass).agent(agentArgs);
        if (!arg.isEmpty()) {
            builder.args(arg);
        }
        return builder;
    }

    /**
     * Whether the program also talks to {@code openssl s_server -www}, which answers HTTP/1.0 without
     * a length and is single-threaded: only the one-request-per-connection programs are fit for it;
     * the pooling HTTP/1.1 clients meet nginx instead.
     */
    boolean readsUntilClose() {
        return this == HTTPS_URL_CONNECTION || this == SSL_SOCKET_FACTORY;
    }

    /**
     * Whether the library's own verifier is the only host-name check, after the handshake (so a wrong
     * host surfaces as {@code SSLPeerUnverifiedException}); the others ask JSSE to check during the
     * handshake ({@code SSLHandshakeException}).
     */
    boolean checksHostNamesAfterHandshake() {
        return this == OKHTTP
                || this == APACHE_CLIENT_POLICY
                || this == APACHE4_CREATE_DEFAULT
                || this == APACHE4_CREATE_SYSTEM
                || this == APACHE4_LEGACY_VERIFIER;
    }

    /** The exception a client under the agent reports for a server that does not name the host called. */
    String wrongHostRefusal() {
        return checksHostNamesAfterHandshake() ? "SSLPeerUnverifiedException" : "SSLHandshakeException";
    }
}
