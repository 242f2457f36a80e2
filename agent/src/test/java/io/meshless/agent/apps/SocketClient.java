package io.meshless.agent.apps;

import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/** Raw sockets from SSLSocketFactory.getDefault(), speaking HTTP/1.0 by hand. */
public final class SocketClient {
    public static void main(String[] args) throws Exception {
        SocketFactory factory = SSLSocketFactory.getDefault();
        ClientLoop.run(url -> {
            URI uri = URI.create(url);
            try (java.net.Socket socket = factory.createSocket(uri.getHost(), uri.getPort())) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(
                        ("GET / HTTP/1.0\r\nHost: " + uri.getHost() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                String[] statusLine = response.split("\r\n", 2)[0].split(" ");
                int headerEnd = response.indexOf("\r\n\r\n");
                return statusLine[1] + " " + (headerEnd < 0 ? response : response.substring(headerEnd + 4));
            }
        });
    }
}
