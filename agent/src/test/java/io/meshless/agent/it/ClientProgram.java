package io.meshless.agent.it;

import io.meshless.agent.apps.ApacheClientApp;
import io.meshless.agent.apps.JdkHttpClient;
import io.meshless.agent.apps.JettyClientApp;
import io.meshless.agent.apps.NettyClientApp;
import io.meshless.agent.apps.OkHttpClientApp;
import io.meshless.agent.apps.SocketClient;
import io.meshless.agent.apps.UrlConnectionClient;
import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Jdk;

/** The unmodified client programs of the coverage matrix. */
enum ClientProgram {
    HTTPS_URL_CONNECTION(UrlConnectionClient.class, "", true),
    JDK_HTTP_CLIENT(JdkHttpClient.class, "", true),
    SSL_SOCKET_FACTORY(SocketClient.class, "", true),
    /*
     * OkHttp and Apache HttpClient check the host name again with their own verifiers after the
     * handshake; a certificate that names only a SPIFFE ID cannot satisfy them, whatever the agent
     * decides during the handshake. Secure naming for them needs DNS/IP SANs in the certificate.
     */
    OKHTTP(OkHttpClientApp.class, "", false),
    APACHE_CREATE_DEFAULT(ApacheClientApp.class, "default", false),
    APACHE_CREATE_SYSTEM(ApacheClientApp.class, "system", false),
    NETTY_JDK_PROVIDER(NettyClientApp.class, "", true),
    JETTY_CLIENT(JettyClientApp.class, "", true);

    private final Class<?> mainClass;
    private final String arg;
    private final boolean secureNamingReachesIt;

    ClientProgram(Class<?> mainClass, String arg, boolean secureNamingReachesIt) {
        this.mainClass = mainClass;
        this.arg = arg;
        this.secureNamingReachesIt = secureNamingReachesIt;
    }

    ChildJvm start(Jdk jdk, String agentArgs) {
        ChildJvm.Builder builder = ChildJvm.builder(jdk, mainClass).agent(agentArgs);
        if (!arg.isEmpty()) {
            builder.args(arg);
        }
        return builder.start();
    }

    /**
     * Whether the program also talks to {@code openssl s_server -www}, which answers HTTP/1.0 without
     * a length and is single-threaded: only the one-request-per-connection programs are fit for it;
     * the pooling HTTP/1.1 clients meet nginx instead.
     */
    boolean readsUntilClose() {
        return this == HTTPS_URL_CONNECTION || this == SSL_SOCKET_FACTORY;
    }

    /** Whether a server named only by its SPIFFE ID is accepted by this client under the agent. */
    boolean secureNamingReachesIt() {
        return secureNamingReachesIt;
    }
}
