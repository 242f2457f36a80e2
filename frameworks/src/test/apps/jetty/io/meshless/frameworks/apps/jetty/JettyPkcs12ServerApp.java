package io.meshless.frameworks.apps.jetty;

import io.meshless.frameworks.apps.Peer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLPeerUnverifiedException;
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
 * Jetty 12 (12.0 and 12.1) configured the way Jetty's documentation shows, from a PKCS#12 key store file (as
 * {@code meshless issue --pkcs12} writes it; also the trust store, Jetty's default), clients required. Arguments:
 * the key store file and its password.
 */
public final class JettyPkcs12ServerApp {
    public static void main(String[] args) throws Exception {
        Server server = new Server();
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(args[0]);
        tls.setKeyStoreType("PKCS12");
        tls.setKeyStorePassword(args[1]);
        tls.setNeedClientAuth(true);
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
                java.security.cert.Certificate[] chain = null;
                if (endPoint instanceof SslConnection.SslEndPoint) {
                    try {
                        chain = ((SslConnection.SslEndPoint) endPoint)
                                .getSslConnection()
                                .getSSLEngine()
                                .getSession()
                                .getPeerCertificates();
                    } catch (SSLPeerUnverifiedException e) {
                        chain = null;
                    }
                }
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                response.write(
                        true, ByteBuffer.wrap(Peer.hello("jetty", chain).getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        server.start();
        Peer.listeningUntilStdinCloses(connector.getLocalPort());
        server.stop();
    }
}
