package io.meshless.agent.it.support;

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
     * Polls until 127.0.0.1:port accepts a TCP connection. {@code alive} is checked between
     * attempts so a server that died fails at once with {@code diagnostics} instead of at the deadline.
     */
    public static void awaitAccepting(int port, Duration timeout, Process process, Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new AssertionError("server exited (code " + process.exitValue()
                            + ") before accepting on port " + port + "\n" + diagnostics.get());
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(
                            "nothing accepted on port " + port + " within " + timeout + "\n" + diagnostics.get());
                }
                pause();
            }
        }
    }

    static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
