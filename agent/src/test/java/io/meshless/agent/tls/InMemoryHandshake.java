package io.meshless.agent.tls;

import java.nio.ByteBuffer;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/** Drives a client and a server SSLEngine against each other in memory, no sockets. */
final class InMemoryHandshake {
    private InMemoryHandshake() {}

    /** @return the first exception either side raised, or empty when both finished the handshake */
    static Optional<SSLException> run(SSLEngine client, SSLEngine server) {
        ByteBuffer clientToServer = ByteBuffer.allocate(1 << 17);
        ByteBuffer serverToClient = ByteBuffer.allocate(1 << 17);
        ByteBuffer clientApp = ByteBuffer.allocate(1 << 17);
        ByteBuffer serverApp = ByteBuffer.allocate(1 << 17);
        try {
            client.beginHandshake();
            server.beginHandshake();
            for (int round = 0; round < 200; round++) {
                boolean moved = step(client, clientToServer, serverToClient, clientApp);
                moved |= step(server, serverToClient, clientToServer, serverApp);
                if (finished(client)
                        && finished(server)
                        && serverToClient.position() == 0
                        && clientToServer.position() == 0) {
                    return Optional.empty();
                }
                if (!moved && finished(client) && finished(server)) {
                    return Optional.empty();
                }
            }
        } catch (SSLException e) {
            return Optional.of(e);
        }
        throw new AssertionError("handshake neither finished nor failed");
    }

    private static boolean finished(SSLEngine engine) {
        HandshakeStatus s = engine.getHandshakeStatus();
        return s == HandshakeStatus.NOT_HANDSHAKING || s == HandshakeStatus.FINISHED;
    }

    private static boolean step(SSLEngine engine, ByteBuffer out, ByteBuffer in, ByteBuffer app) throws SSLException {
        boolean moved = false;
        for (int i = 0; i < 20; i++) {
            HandshakeStatus status = engine.getHandshakeStatus();
            if (status == HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
                moved = true;
            } else if (status == HandshakeStatus.NEED_WRAP) {
                engine.wrap(ByteBuffer.allocate(0), out);
                moved = true;
            } else if (status == HandshakeStatus.NEED_UNWRAP || in.position() > 0) {
                in.flip();
                int before = in.remaining();
                engine.unwrap(in, app);
                int consumed = before - in.remaining();
                in.compact();
                if (consumed == 0) {
                    return moved;
                }
                moved = true;
            } else {
                return moved;
            }
        }
        return moved;
    }
}
