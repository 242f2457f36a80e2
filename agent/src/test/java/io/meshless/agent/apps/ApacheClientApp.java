package io.meshless.agent.apps;

import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/** Apache HttpClient 5: {@code HttpClients.createDefault()} (arg "default") or {@code createSystem()} (arg "system"). */
public final class ApacheClientApp {
    public static void main(String[] args) throws Exception {
        try (CloseableHttpClient client = "system".equals(args[0]) ? HttpClients.createSystem() : HttpClients.createDefault()) {
            ClientLoop.run(url -> client.execute(new HttpGet(url),
                    response -> response.getCode() + " " + EntityUtils.toString(response.getEntity())));
        }
    }
}
