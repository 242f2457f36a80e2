package io.meshless.agent.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSocket;

/** A hand-written HTTP/1.0 server on SSLServerSocketFactory.getDefault(). */
public final class SocketServerApp {
    public static void main(String[] args) throws Exception {
        ServerSocket server = SSLServerSocketFactory.getDefault().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (true) {
                try {
                    Socket socket = server.accept();
                    new Thread(() -> serve(socket)).start();
                } catch (Exception e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        ClientLoop.listening(server.getLocalPort());
        ClientLoop.awaitStdinClosed();
        server.close();
    }

    private static void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String line;
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                // skip request headers
            }
            byte[] body = PeerIdentity.body("sslserversocket", ((SSLSocket) socket).getSession()).getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        } catch (Exception e) {
            System.err.println("connection failed: " + e);
        }
    }
}
