package io.meshless.agent.apps;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty 12 server whose SslContextFactory.Server uses the JVM default context. (Jetty configured from a PKCS#12 made
 * from the mounted files, at Jetty 12.0 and 12.1: frameworks/, JettyPkcs12IT.)
 */
public final class JettyServerApp {
    public static void main(String[] args) throws Exception {
        Server server = new Server();
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setSslContext(SSLContext.getDefault());
        ServerConnector connector = new ServerConnector(server, tls);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        // An open connection must outlive the certificate swap a rotation test waits for.
        connector.setIdleTimeout(120_000);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                EndPoint endPoint =
                        request.getConnectionMetaData().getConnection().getEndPoint();
                String peer = endPoint instanceof SslConnection.SslEndPoint
                        ? PeerIdentity.body(
                                "jetty",
                                ((SslConnection.SslEndPoint) endPoint)
                                        .getSslConnection()
                                        .getSSLEngine()
                                        .getSession())
                        : "hello from jetty peer=unknown\n";
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                response.write(true, ByteBuffer.wrap(peer.getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        server.start();
        ClientLoop.listening(connector.getLocalPort());
        ClientLoop.awaitStdinClosed();
        server.stop();
    }
}
