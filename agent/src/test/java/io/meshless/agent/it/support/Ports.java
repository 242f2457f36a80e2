package io.meshless.agent.it.support;

import io.meshless.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.function.Supplier;

/** Loopback ports: pick a free one, wait (bounded) until a server accepts on it. */
public final class Ports {

    private Ports() {}

    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /**
     * Waits until 127.0.0.1:port accepts a TCP connection; fails at once with {@code diagnostics} when
     * {@code process}, the server, exits first.
     */
    public static void awaitAccepting(int port, Duration timeout, Process process, Supplier<String> diagnostics) {
        Await.atMost(timeout)
                .whileAlive(process, diagnostics::get)
                .until("a server accepting on 127.0.0.1:" + port, () -> accepts(port));
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }
}
