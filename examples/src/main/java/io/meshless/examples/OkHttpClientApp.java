package io.meshless.examples;

import java.io.IOException;
import java.time.Duration;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * An ordinary OkHttp client with OkHttp's defaults (which build on the JVM's default TLS
 * configuration), no keystore and no trust store.
 *
 * <p>Environment: {@code TARGET_URL} (default https://hello:8443/), {@code INTERVAL_SECONDS}
 * (default 5), {@code COUNT} (requests to make; default 0 = forever).
 */
public final class OkHttpClientApp {

    private OkHttpClientApp() {}

    public static void main(String[] args) throws InterruptedException {
        String target = System.getenv().getOrDefault("TARGET_URL", "https://hello:8443/");
        long interval = Long.parseLong(System.getenv().getOrDefault("INTERVAL_SECONDS", "5"));
        long count = Long.parseLong(System.getenv().getOrDefault("COUNT", "0"));
        OkHttpClient client =
                new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10)).build();
        int failures = 0;
        for (long i = 1; count == 0 || i <= count; i++) {
            Request request = new Request.Builder().url(target).build();
            try (Response response = client.newCall(request).execute()) {
                ResponseBody body = response.body();
                System.out.print("okhttp -> " + target + ": " + response.code() + " " + body.string());
                if (response.code() != 200) {
                    failures++;
                }
            } catch (IOException e) {
                failures++;
                System.out.println("okhttp -> " + target + ": failed: " + e);
            }
            if (count == 0 || i < count) {
                Thread.sleep(Duration.ofSeconds(interval).toMillis());
            }
        }
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
        System.exit(failures == 0 ? 0 : 1);
    }
}
