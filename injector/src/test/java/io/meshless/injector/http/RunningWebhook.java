package io.meshless.injector.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshless.injector.metrics.InjectorMetrics;
import io.meshless.injector.webhook.AdmissionReviewHandler;
import io.meshless.injector.webhook.InjectionSettings;
import io.meshless.injector.webhook.KubernetesJson;
import io.meshless.injector.webhook.NamespaceLabels;
import io.meshless.injector.webhook.PodInjector;
import io.meshless.injector.webhook.SecretDemand;
import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyType;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.reload.CredentialSource;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The real webhook HTTPS server on an ephemeral loopback port, serving a certificate issued at
 * test time, and a JDK HttpClient that trusts only that test CA.
 */
final class RunningWebhook implements AutoCloseable {
    final CertificateAuthority ca;
    final Path certFile;
    final Path keyFile;
    final ServingCertificateFiles serving;
    final InjectorMetrics metrics = new InjectorMetrics();
    final Readiness readiness = new Readiness();
    /** "namespace/serviceAccount" per Secret demand the webhook signalled. */
    final List<String> secretDemands = new CopyOnWriteArrayList<>();

    final WebhookServer server;
    final HttpClient client;

    RunningWebhook(Path dir) throws Exception {
        this(dir, NamespaceLabels.UNKNOWN);
    }

    RunningWebhook(Path dir, NamespaceLabels labels) throws Exception {
        this(dir, labels, ServerLimits.DEFAULT);
    }

    RunningWebhook(Path dir, ServerLimits limits) throws Exception {
        this(dir, NamespaceLabels.UNKNOWN, limits);
    }

    RunningWebhook(Path dir, NamespaceLabels labels, ServerLimits limits) throws Exception {
        this(dir, labels, limits, 2, UnaryOperator.identity());
    }

    /**
     * @param threads the server's event-loop threads
     * @param handshakeSource what the TLS handshakes ask for the serving certificate, around the
     *     files' source (e.g. one that stalls a handshake where it would do its crypto)
     */
    RunningWebhook(Path dir, ServerLimits limits, int threads, UnaryOperator<CredentialSource> handshakeSource)
            throws Exception {
        this(dir, NamespaceLabels.UNKNOWN, limits, threads, handshakeSource);
    }

    private RunningWebhook(
            Path dir,
            NamespaceLabels labels,
            ServerLimits limits,
            int threads,
            UnaryOperator<CredentialSource> handshakeSource)
            throws Exception {
        Clock clock = Clock.systemUTC();
        ca = CertificateAuthority.createRoot("meshless test webhook CA", Duration.ofDays(2), KeyType.EC_P256, clock);
        certFile = dir.resolve("tls.crt");
        keyFile = dir.resolve("tls.key");
        writeServingCertificate();
        serving = new ServingCertificateFiles(certFile, keyFile, clock);
        serving.refresh();
        readiness.register("serving-certificate", () -> serving.current().isPresent());
        ObjectMapper json = KubernetesJson.newMapper();
        SecretDemand demand = (namespace, sa) -> secretDemands.add(namespace + "/" + sa);
        AdmissionReviewHandler handler =
                new AdmissionReviewHandler(new PodInjector(InjectionSettings.defaults(), json), labels, demand, json);
        server = WebhookServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ServingTls.serverContext(handshakeSource.apply(serving)),
                handler,
                metrics,
                readiness,
                threads,
                limits);
        client = HttpClient.newBuilder()
                .sslContext(trustingTestCa())
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    HeldCertificate writeServingCertificate() throws Exception {
        HeldCertificate leaf = ca.issue(LeafSpec.builder()
                .dnsName("localhost")
                .ipAddress("127.0.0.1")
                .commonName("meshless-injector")
                .build());
        Files.writeString(certFile, leaf.chainPem(), StandardCharsets.US_ASCII);
        Files.writeString(keyFile, leaf.privateKeyPem(), StandardCharsets.US_ASCII);
        return leaf;
    }

    SSLContext trustingTestCa() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    URI uri(String path) {
        return URI.create("https://localhost:" + server.address().getPort() + path);
    }

    int port() {
        return server.address().getPort();
    }

    /** A raw TLS connection to the server, handshake done, reads bounded by 20 s. */
    SSLSocket connect() throws Exception {
        SSLSocket socket =
                (SSLSocket) trustingTestCa().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port());
        socket.setSoTimeout(20_000);
        socket.startHandshake();
        return socket;
    }

    /** What a test writes on a raw connection: bytes no HTTP client would send. */
    interface RawRequest {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code request} on a raw connection and returns all the server sends until it closes it. */
    String rawExchange(RawRequest request) throws Exception {
        try (SSLSocket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            request.writeTo(out);
            out.flush();
            return readUntilClosed(socket);
        }
    }

    static void send(SSLSocket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** Everything the server sends until it closes the connection (bounded by the socket's 20 s). */
    static String readUntilClosed(SSLSocket socket) throws IOException {
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }

    HttpResponse<String> post(String path, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(20))
                .GET()
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        server.close();
    }
}
