package io.meshless.agent.apps;

import org.apache.http.client.methods.HttpGet;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.ssl.SSLContexts;
import org.apache.http.util.EntityUtils;

/**
 * Apache HttpClient 4.5: {@code HttpClients.createDefault()} (arg "default"), {@code createSystem()}
 * (arg "system"), or a socket factory with the deprecated browser-compatible verifier (arg "legacy"),
 * as applications written for HttpClient 4.0-4.3 still configure it.
 */
public final class Apache4ClientApp {
    public static void main(String[] args) throws Exception {
        try (CloseableHttpClient client = create(args[0])) {
            ClientLoop.run(url -> client.execute(
                    new HttpGet(url),
                    response -> response.getStatusLine().getStatusCode() + " "
                            + EntityUtils.toString(response.getEntity())));
        }
    }

    @SuppressWarnings("deprecation")
    private static CloseableHttpClient create(String kind) {
        switch (kind) {
            case "system":
                return HttpClients.createSystem();
            case "legacy":
                return HttpClients.custom()
                        .setSSLSocketFactory(new SSLConnectionSocketFactory(
                                SSLContexts.createDefault(),
                                SSLConnectionSocketFactory.BROWSER_COMPATIBLE_HOSTNAME_VERIFIER))
                        .build();
            default:
                return HttpClients.createDefault();
        }
    }
}
