package io.meshless.injector.http;

import static io.meshless.injector.http.RunningWebhook.send;
import static io.meshless.injector.http.SlowClientsTest.readResponse;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.pki.WorkloadCredentials;
import io.meshless.pki.reload.CredentialSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handshake's crypto runs on its own pool, not on the event loops: real TLS clients over
 * loopback against a server whose handshakes are held where they ask for the serving certificate
 * (inside the engine's delegated task, beside the key agreement and the signature). Connections
 * already open must still be answered, and every held handshake must complete once let go.
 */
class HandshakePoolTest {
    @TempDir
    Path dir;

    @Test
    void answersAnOpenConnectionWhileHandshakesAreHeldInTheirCrypto() throws Exception {
        HeldHandshakes held = new HeldHandshakes();
        ExecutorService clients = Executors.newFixedThreadPool(3);
        // One event loop: if a handshake's crypto ran on it, the open connection would wait for it.
        try (RunningWebhook webhook = new RunningWebhook(dir, ServerLimits.DEFAULT, 1, held::around);
                SSLSocket open = webhook.connect()) {
            held.holdFromNow();
            List<Future<SSLSocket>> handshakes = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                handshakes.add(clients.submit(webhook::connect));
            }
            assertThat(held.entered.await(30, TimeUnit.SECONDS))
                    .as("a handshake reached the serving certificate")
                    .isTrue();

            // The pool's one thread is held and the other handshakes queue behind it, yet the event
            // loop answers the connection that was open before.
            String health = get(open, "/healthz");
            assertThat(health).startsWith("HTTP/1.1 200 OK").endsWith("ok\n");
            assertThat(handshakes).noneMatch(Future::isDone);

            held.letGo();
            for (Future<SSLSocket> handshake : handshakes) {
                try (SSLSocket socket = handshake.get(30, TimeUnit.SECONDS)) {
                    assertThat(get(socket, "/healthz")).startsWith("HTTP/1.1 200 OK");
                }
            }
        } finally {
            held.letGo();
            clients.shutdownNow();
        }
    }

    /** Holds every handshake that asks for the serving certificate after {@link #holdFromNow()}. */
    private static final class HeldHandshakes {
        final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private volatile boolean holding;

        CredentialSource around(CredentialSource files) {
            return () -> hold(files);
        }

        void holdFromNow() {
            holding = true;
        }

        void letGo() {
            release.countDown();
        }

        private Optional<WorkloadCredentials> hold(CredentialSource files) {
            if (holding) {
                entered.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return files.current();
        }
    }

    /** One GET on a kept-alive connection: the answer's head and body. */
    private static String get(SSLSocket socket, String path) throws IOException {
        send(socket, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        return readResponse(socket.getInputStream());
    }
}
