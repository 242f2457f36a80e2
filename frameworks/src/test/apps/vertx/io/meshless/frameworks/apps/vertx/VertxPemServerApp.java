package io.meshless.frameworks.apps.vertx;

import io.meshless.frameworks.apps.Peer;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.security.cert.Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Vert.x HTTPS server (4.5 and 5) configured the way Vert.x's documentation shows, from the mounted files:
 * {@code PemKeyCertOptions} (tls.crt, tls.key), {@code PemTrustOptions} (ca.crt), {@code ClientAuth.REQUIRED}.
 * Argument: the cert dir.
 */
public final class VertxPemServerApp {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Vertx vertx = Vertx.vertx();
        HttpServerOptions options = new HttpServerOptions()
                .setHost("127.0.0.1")
                .setPort(0)
                .setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .setCertPath(dir.resolve("tls.crt").toString())
                        .setKeyPath(dir.resolve("tls.key").toString()))
                .setTrustOptions(
                        new PemTrustOptions().addCertPath(dir.resolve("ca.crt").toString()))
                .setClientAuth(ClientAuth.REQUIRED);
        HttpServer server = vertx.createHttpServer(options)
                .requestHandler(request -> {
                    Certificate[] chain;
                    try {
                        chain = request.connection().sslSession().getPeerCertificates();
                    } catch (SSLPeerUnverifiedException e) {
                        chain = null;
                    }
                    request.response().putHeader("content-type", "text/plain").end(Peer.hello("vertx", chain));
                })
                .listen()
                .toCompletionStage()
                .toCompletableFuture()
                .get();
        Peer.listeningUntilStdinCloses(server.actualPort());
        vertx.close();
    }
}
