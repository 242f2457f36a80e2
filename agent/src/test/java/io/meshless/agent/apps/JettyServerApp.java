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
 * Jetty 12 server. Without arguments its SslContextFactory.Server uses the JVM default context; with a
 * PKCS#12 key store file and its password it is configured the way Jetty's documentation shows (the key
 * store, as {@code meshless issue --pkcs12} writes it, is also the trust store, Jetty's default), clients
 * required.
 */
public final class JettyServerApp {
    public static void main(String[] args) throws Exception {
        Server server = new Server();
        SslContextFactory.Server tls = new SslContextFactory.Server();
        if (args.length == 0) {
            tls.setSslContext(SSLContext.getDefault());
        } else {
            tls.setKeyStorePath(args[0]);
            tls.setKeyStoreType("PKCS12");
            tls.setKeyStorePassword(args[1]);
            tls.setNeedClientAuth(true);
        }
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
