package io.meshless.examples;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * An ordinary client on {@code java.net.http}: {@link HttpClient#newHttpClient()} with the JVM's
 * default TLS configuration, no keystore and no trust store. With the Meshless agent it presents
 * the pod's workload certificate and accepts the server by its SPIFFE ID.
 *
 * <p>Environment: {@code TARGET_URL} (default https://hello:8443/), {@code INTERVAL_SECONDS}
 * (default 5), {@code COUNT} (requests to make; default 0 = forever, like a real service).
 */
public final class JdkHttpClientApp {

    private JdkHttpClientApp() {}

    public static void main(String[] args) throws InterruptedException {
        URI target = URI.create(System.getenv().getOrDefault("TARGET_URL", "https://hello:8443/"));
        long interval = Long.parseLong(System.getenv().getOrDefault("INTERVAL_SECONDS", "5"));
        long count = Long.parseLong(System.getenv().getOrDefault("COUNT", "0"));
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        int failures = 0;
        for (long i = 1; count == 0 || i <= count; i++) {
            HttpRequest request = HttpRequest.newBuilder(target)
                    .timeout(Duration.ofSeconds(10))
                    .GET()
                    .build();
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                System.out.print("java.net.http -> " + target + ": " + response.statusCode() + " " + response.body());
                System.out.println("  server certificate: " + describePeer(response));
                if (response.statusCode() != 200) {
                    failures++;
                }
            } catch (IOException e) {
                failures++;
                System.out.println("java.net.http -> " + target + ": failed: " + e);
            }
            if (count == 0 || i < count) {
                Thread.sleep(Duration.ofSeconds(interval).toMillis());
            }
        }
        System.exit(failures == 0 ? 0 : 1);
    }

    /** What any client can see of its server: the serial and names of the certificate it was shown. */
    private static String describePeer(HttpResponse<?> response) {
        try {
            if (response.sslSession().isEmpty()) {
                return "none (plain HTTP)";
            }
            X509Certificate leaf = (X509Certificate) response.sslSession().get().getPeerCertificates()[0];
            Collection<List<?>> names = leaf.getSubjectAlternativeNames();
            return "serial " + leaf.getSerialNumber().toString(16) + ", names "
                    + (names == null
                            ? "none"
                            : names.stream()
                                    .map(name -> String.valueOf(name.get(1)))
                                    .collect(Collectors.joining(", ")));
        } catch (SSLPeerUnverifiedException | CertificateParsingException e) {
            return "unknown (" + e + ")";
        }
    }
}
