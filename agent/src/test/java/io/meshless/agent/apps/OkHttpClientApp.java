package io.meshless.agent.apps;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** OkHttp 5 with its default client. */
public final class OkHttpClientApp {
    public static void main(String[] args) throws Exception {
        OkHttpClient client = new OkHttpClient();
        ClientLoop.run(url -> {
            try (Response response =
                    client.newCall(new Request.Builder().url(url).build()).execute()) {
                return response.code() + " " + response.body().string();
            }
        });
    }
}
