package io.meshless.agent.apps;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;

/** Jetty 12 HttpClient with its default SslContextFactory.Client. */
public final class JettyClientApp {
    public static void main(String[] args) throws Exception {
        HttpClient client = new HttpClient();
        client.start();
        try {
            ClientLoop.run(url -> {
                ContentResponse response = client.GET(url);
                return response.getStatus() + " " + response.getContentAsString();
            });
        } finally {
            client.stop();
        }
    }
}
