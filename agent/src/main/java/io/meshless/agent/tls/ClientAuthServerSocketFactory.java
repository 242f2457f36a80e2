package io.meshless.agent.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;

/**
 * The server socket factory of a managed context: every server socket starts with the mode's
 * client-auth demand. Accepted sockets inherit it. Not covered: an application that lowers it
 * afterwards on the server socket itself ({@code setNeedClientAuth(false)}, {@code setSSLParameters})
 * wins, since server sockets are not wrapped.
 */
final class ClientAuthServerSocketFactory extends SSLServerSocketFactory {
    private final SSLServerSocketFactory delegate;
    private final ClientAuthPolicy policy;

    ClientAuthServerSocketFactory(SSLServerSocketFactory delegate, ClientAuthPolicy policy) {
        this.delegate = delegate;
        this.policy = policy;
    }

    private ServerSocket enforce(ServerSocket socket) {
        if (socket instanceof SSLServerSocket) {
            policy.apply((SSLServerSocket) socket);
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
