package io.meshless.agent.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A hand-written HTTP/1.0 server on SSLServerSocketFactory.getDefault(). An optional argument makes it
 * turn client authentication off the way applications do: {@code server-need-false} and
 * {@code server-ssl-parameters} on the server socket, {@code accepted-want-false} on every accepted
 * socket before its handshake. {@code layered-need-false} accepts plain TCP and layers TLS over each
 * connection with {@code SSLSocketFactory.createSocket(Socket, InputStream, boolean)}, as STARTTLS-style
 * servers do, then turns client authentication off on the layered socket.
 */
public final class SocketServerApp {
    public static void main(String[] args) throws Exception {
        String lowering = args.length > 0 ? args[0] : "none";
        if (lowering.equals("layered-need-false")) {
            layered();
            return;
        }
        SSLServerSocket server = (SSLServerSocket)
                SSLServerSocketFactory.getDefault().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        if (lowering.equals("server-need-false")) {
            server.setNeedClientAuth(false);
        } else if (lowering.equals("server-ssl-parameters")) {
            SSLParameters parameters = server.getSSLParameters();
            parameters.setNeedClientAuth(false);
            parameters.setWantClientAuth(false);
            server.setSSLParameters(parameters);
        }
        boolean lowerAccepted = lowering.equals("accepted-want-false");
        serveUntilStdinCloses(server, () -> {
            SSLSocket socket = (SSLSocket) server.accept();
            if (lowerAccepted) {
                socket.setWantClientAuth(false);
            }
            return socket;
        });
    }

    private static void layered() throws Exception {
        ServerSocket plain = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        SSLSocketFactory tls = (SSLSocketFactory) SSLSocketFactory.getDefault();
        serveUntilStdinCloses(plain, () -> {
            SSLSocket socket = (SSLSocket) tls.createSocket(plain.accept(), null, true);
            socket.setNeedClientAuth(false);
            return socket;
        });
    }

    /** The next TLS connection, as the mode under test produces it. */
    private interface NextConnection {
        SSLSocket accept() throws Exception;
    }

    private static void serveUntilStdinCloses(ServerSocket listener, NextConnection next) throws Exception {
        Thread acceptor = new Thread(() -> {
            while (true) {
                try {
                    SSLSocket socket = next.accept();
                    new Thread(() -> serve(socket)).start();
                } catch (Exception e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        ClientLoop.listening(listener.getLocalPort());
        ClientLoop.awaitStdinClosed();
        listener.close();
    }

    private static void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(10_000);
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String line;
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                // skip request headers
            }
            byte[] body = PeerIdentity.body("sslserversocket", ((SSLSocket) socket).getSession())
                    .getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                            + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        } catch (Exception e) {
            System.err.println("connection failed: " + e);
        }
    }
}
