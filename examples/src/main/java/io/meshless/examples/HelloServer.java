package io.meshless.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * An ordinary HTTPS service on the JDK's built-in server and the JVM's default TLS
 * configuration ({@link SSLContext#getDefault()}), like any app that leaves TLS to its
 * platform. It has no keystore, no trust store and no client-auth code: in a pod with the
 * Meshless agent, the default configuration presents the workload certificate and requires
 * the caller's.
 *
 * <p>{@code GET /} answers with who called, read from the TLS session as any app that logs its
 * caller would; the log line adds the serial of the caller's certificate, so a renewed client
 * certificate shows. Environment: {@code PORT} (default 8443; 0 picks a free one, logged).
 */
public final class HelloServer {

    private HelloServer() {}

    public static void main(String[] args) throws IOException, NoSuchAlgorithmException {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8443"));
        HttpsServer server = HttpsServer.create(new InetSocketAddress(port), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(SSLContext.getDefault()));
        server.createContext("/", HelloServer::hello);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        // The bound port, not the asked one: PORT=0 lets the kernel pick (the tests do).
        System.out.println("hello-server listening on https://0.0.0.0:"
                + server.getAddress().getPort() + "/");
    }

    private static void hello(HttpExchange exchange) throws IOException {
        X509Certificate peer = peer((HttpsExchange) exchange);
        String caller = caller(peer);
        System.out.println(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " from " + caller
                + (peer == null ? "" : " (serial " + peer.getSerialNumber().toString(16) + ")"));
        byte[] body = ("hello " + caller + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** The caller's certificate (the leaf), or null when it sent none. */
    private static X509Certificate peer(HttpsExchange exchange) {
        try {
            Certificate[] chain = exchange.getSSLSession().getPeerCertificates();
            return (X509Certificate) chain[0];
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    /** The caller's SPIFFE ID (URI SAN) or subject, or "anonymous" when it sent no certificate. */
    private static String caller(X509Certificate leaf) {
        if (leaf == null) {
            return "anonymous (no client certificate)";
        }
        try {
            Collection<List<?>> names = leaf.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> name : names) {
                    if (Integer.valueOf(6).equals(name.get(0))) { // 6 = uniformResourceIdentifier
                        return String.valueOf(name.get(1));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // fall through to the subject
        }
        return leaf.getSubjectX500Principal().getName();
    }
}
