package io.meshless.agent.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;

/**
 * The server socket factory of a managed context: every server socket starts with the mode's
 * client-auth demand and is enrolled in {@link ClientAuthSockets}, which keeps it (and the sockets it
 * accepts, which inherit it) there when the application lowers it later.
 */
final class ClientAuthServerSocketFactory extends SSLServerSocketFactory {
    private final SSLServerSocketFactory delegate;
    private final ClientAuthSockets sockets;

    ClientAuthServerSocketFactory(SSLServerSocketFactory delegate, ClientAuthSockets sockets) {
        this.delegate = delegate;
        this.sockets = sockets;
    }

    private ServerSocket enforce(ServerSocket socket) {
        if (socket instanceof SSLServerSocket) {
            sockets.enroll((SSLServerSocket) socket);
        }
        return socket;
    }

    @Override
    public ServerSocket createServerSocket() throws IOException {
        return enforce(delegate.createServerSocket());
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        return enforce(delegate.createServerSocket(port));
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
        return enforce(delegate.createServerSocket(port, backlog));
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
        return enforce(delegate.createServerSocket(port, backlog, address));
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }
}
