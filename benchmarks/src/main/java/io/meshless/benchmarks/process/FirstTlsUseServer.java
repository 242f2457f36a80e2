package io.meshless.benchmarks.process;

import io.meshless.commandline.Arguments;
import io.meshless.commandline.Options;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSocket;

/**
 * A server whose first action is TLS: {@code SSLServerSocketFactory.getDefault()}, a listening socket
 * that requires a client certificate, one served HTTP request, exit. Under the agent the demand for a
 * client certificate would come from strict mode anyway; the hand-configured JSSE run needs it said.
 * {@link FirstRequestProbe} times it from outside. Gives up after {@code --max-seconds}.
 */
public final class FirstTlsUseServer {
    private static final Options OPTIONS = new Options()
            .value("--port", "N", "port to listen on")
            .value("--max-seconds", "N", "give up after this long (default 60)");

    private FirstTlsUseServer() {}

    public static void main(String[] argv) throws Exception {
        Arguments args = OPTIONS.parse(List.of(argv));
        int port = args.requiredPort("--port");
        int maxSeconds = args.count("--max-seconds", Integer.MAX_VALUE, 60);
        SSLServerSocketFactory factory = (SSLServerSocketFactory) SSLServerSocketFactory.getDefault();
        try (SSLServerSocket server =
                (SSLServerSocket) factory.createServerSocket(port, 16, InetAddress.getLoopbackAddress())) {
            server.setNeedClientAuth(true);
            server.setSoTimeout(maxSeconds * 1000);
            try (SSLSocket socket = (SSLSocket) server.accept()) {
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(maxSeconds * 1000);
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                String line;
                while ((line = in.readLine()) != null && !line.isEmpty()) {
                    // the request's headers: read, not needed
                }
                OutputStream out = socket.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        }
    }
}
