package io.meshless.agent.apps;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;

/** com.sun.net.httpserver.HttpsServer with {@code new HttpsConfigurator(SSLContext.getDefault())}. */
public final class HttpsServerApp {
    public static void main(String[] args) throws Exception {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setHttpsConfigurator(new HttpsConfigurator(SSLContext.getDefault()));
        server.createContext("/", exchange -> {
            byte[] body = PeerIdentity.body("httpsserver", ((HttpsExchange) exchange).getSSLSession())
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        ClientLoop.listening(server.getAddress().getPort());
        ClientLoop.awaitStdinClosed();
        server.stop(0);
    }
}
