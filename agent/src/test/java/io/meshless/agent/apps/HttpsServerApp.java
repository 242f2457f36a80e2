package io.meshless.agent.apps;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * com.sun.net.httpserver.HttpsServer with {@code new HttpsConfigurator(SSLContext.getDefault())}; with a PKCS#12
 * key store file and its password, a context of its own over that key store through the {@code PKIX} key manager
 * (the JDK's one that chooses a key by SNI, for a key store holding certificates for several host names), and the
 * JDK's default trust.
 */
public final class HttpsServerApp {
    public static void main(String[] args) throws Exception {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setHttpsConfigurator(
                new HttpsConfigurator(args.length == 0 ? SSLContext.getDefault() : fromKeyStore(args)));
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

    private static SSLContext fromKeyStore(String[] args) throws Exception {
        char[] password = args[1].toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            store.load(in, password);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance("PKIX");
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }
}
