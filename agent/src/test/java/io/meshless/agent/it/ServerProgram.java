package io.meshless.agent.it;

import io.meshless.agent.apps.HttpsServerApp;
import io.meshless.agent.apps.JettyServerApp;
import io.meshless.agent.apps.NettyServerApp;
import io.meshless.agent.apps.SocketServerApp;
import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Jdk;

/** The unmodified server programs of the coverage matrix. */
enum ServerProgram {
    HTTPS_SERVER(HttpsServerApp.class),
    SSL_SERVER_SOCKET_FACTORY(SocketServerApp.class),
    NETTY_JDK_PROVIDER(NettyServerApp.class),
    JETTY_SERVER(JettyServerApp.class);

    private final Class<?> mainClass;

    ServerProgram(Class<?> mainClass) {
        this.mainClass = mainClass;
    }

    ChildJvm start(Jdk jdk, String agentArgs) {
        return ChildJvm.builder(jdk, mainClass).agent(agentArgs).start();
    }
}
