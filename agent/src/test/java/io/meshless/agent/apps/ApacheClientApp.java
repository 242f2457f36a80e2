package io.meshless.agent.apps;

import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * Apache HttpClient 5: {@code HttpClients.createDefault()} (arg "default"), {@code createSystem()}
 * (arg "system"), or the default TLS strategy with {@code HostnameVerificationPolicy.CLIENT} (arg
 * "client-policy"), where HttpClient's own verifier is the only host-name check.
 */
public final class ApacheClientApp {
    public static void main(String[] args) throws Exception {
        try (CloseableHttpClient client = create(args[0])) {
            ClientLoop.run(url -> client.execute(
                    new HttpGet(url),
                    response -> response.getCode() + " " + EntityUtils.toString(response.getEntity())));
        }
    }

    private static CloseableHttpClient create(String kind) {
        switch (kind) {
            case "system":
                return HttpClients.createSystem();
            case "client-policy":
                return HttpClients.custom()
                        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                                .setTlsSocketStrategy(ClientTlsStrategyBuilder.create()
                                        .setHostVerificationPolicy(HostnameVerificationPolicy.CLIENT)
                                        .buildClassic())
                                .build())
                        .build();
            default:
                return HttpClients.createDefault();
        }
    }
}
