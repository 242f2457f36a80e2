package io.meshless.benchmarks;

import io.meshless.agent.tls.MeshTrustManager;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyType;
import io.meshless.pki.WorkloadCredentials;
import io.meshless.pki.reload.ReloadingKeyManager;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A full mutual-TLS handshake between two in-memory SSLEngines (no sockets, no resumption), so
 * the only thing that differs between the variants is who hands JSSE the key and chain:
 * <ul>
 *   <li>{@code meshless}: pki's {@link ReloadingKeyManager} over a fixed credential source (what
 *       the agent and the injector install), reading the snapshot on every handshake;</li>
 *   <li>{@code sunx509}: the JDK's SunX509 KeyManagerFactory over a PKCS#12 key store;</li>
 *   <li>{@code pkix}: the JDK's PKIX (NewSunX509) KeyManagerFactory over the same key store;</li>
 *   <li>{@code agent}: what the agent installs, the ReloadingKeyManager with the agent's
 *       {@link MeshTrustManager} (chain to the bundle plus SPIFFE ID authorization,
 *       allowed-peers = the own trust domain).</li>
 * </ul>
 * Except for {@code agent}, both sides verify the peer with the JDK's PKIX trust manager against
 * the mesh CA.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HandshakeBenchmark {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    @Param({"EC_P256", "RSA_2048"})
    public String keyType;

    @Param({"meshless", "sunx509", "pkix", "agent"})
    public String keyManager;

    private SSLContext serverContext;
    private SSLContext clientContext;
    private final ByteBuffer clientToServer = ByteBuffer.allocate(1 << 17);
    private final ByteBuffer serverToClient = ByteBuffer.allocate(1 << 17);
    private final ByteBuffer clientApp = ByteBuffer.allocate(1 << 17);
    private final ByteBuffer serverApp = ByteBuffer.allocate(1 << 17);

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        BenchPki pki = new BenchPki(KeyType.valueOf(keyType));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(pki.trustStore());
        TrustManager[] trust = tmf.getTrustManagers();
        serverContext = context(keyManagers(pki, pki.server), trustManagers(pki, pki.server, trust));
        clientContext = context(keyManagers(pki, pki.client), trustManagers(pki, pki.client, trust));
        // Once, outside the measurement: the handshake really is mutual with these managers.
        SSLEngine server = handshake();
        if (server.getSession().getPeerCertificates().length == 0) {
            throw new IllegalStateException("the client presented no certificate");
        }
    }

    private KeyManager[] keyManagers(BenchPki pki, HeldCertificate identity) throws Exception {
        switch (keyManager) {
            case "meshless":
            case "agent":
                WorkloadCredentials credentials = new WorkloadCredentials(identity, pki.bundle, null);
                return new KeyManager[] {new ReloadingKeyManager(() -> Optional.of(credentials))};
            case "sunx509":
            case "pkix":
                KeyManagerFactory kmf =
                        KeyManagerFactory.getInstance("sunx509".equals(keyManager) ? "SunX509" : "PKIX");
                kmf.init(BenchPki.keyStore(identity), BenchPki.PASSWORD);
                return kmf.getKeyManagers();
            default:
                throw new IllegalArgumentException("keyManager " + keyManager);
        }
    }

    private TrustManager[] trustManagers(BenchPki pki, HeldCertificate identity, TrustManager[] jdkPkix) {
        if (!"agent".equals(keyManager)) {
            return jdkPkix;
        }
        WorkloadCredentials credentials = new WorkloadCredentials(identity, pki.bundle, null);
        // null peers: every ID in the own trust domain; null system trust: trust-system-cas=false.
        return new TrustManager[] {new MeshTrustManager(() -> Optional.of(credentials), null, null, "benchmark")};
    }

    private static SSLContext context(KeyManager[] keys, TrustManager[] trust) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, trust, null);
        return context;
    }

    @Benchmark
    public SSLEngine mutualHandshake() throws SSLException {
        return handshake();
    }

    /** Returns the server engine after a completed handshake; fails loudly if it did not complete. */
    private SSLEngine handshake() throws SSLException {
        // createSSLEngine() without host and port: nothing to resume, always a full handshake.
        SSLEngine client = clientContext.createSSLEngine();
        client.setUseClientMode(true);
        SSLEngine server = serverContext.createSSLEngine();
        server.setUseClientMode(false);
        server.setNeedClientAuth(true);
        clientToServer.clear();
        serverToClient.clear();
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < 100; round++) {
            boolean c = pump(client, serverToClient, clientToServer, clientApp);
            boolean s = pump(server, clientToServer, serverToClient, serverApp);
            if (!c && !s) {
                break;
            }
        }
        if (client.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING
                || server.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING) {
            throw new IllegalStateException("handshake did not finish: client " + client.getHandshakeStatus()
                    + ", server " + server.getHandshakeStatus());
        }
        return server;
    }

    /** Moves one engine forward until it waits for the peer; true if it did anything. */
    private static boolean pump(SSLEngine engine, ByteBuffer in, ByteBuffer out, ByteBuffer app) throws SSLException {
        boolean progressed = false;
        for (int step = 0; step < 100; step++) {
            HandshakeStatus status = engine.getHandshakeStatus();
            switch (status) {
                case NEED_TASK:
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                    progressed = true;
                    break;
                case NEED_WRAP:
                    SSLEngineResult wrapped = engine.wrap(EMPTY, out);
                    check(wrapped);
                    progressed = true;
                    break;
                case NEED_UNWRAP:
                case NEED_UNWRAP_AGAIN:
                    in.flip();
                    app.clear();
                    SSLEngineResult unwrapped = engine.unwrap(in, app);
                    in.compact();
                    if (unwrapped.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
                            || (unwrapped.bytesConsumed() == 0
                                    && unwrapped.bytesProduced() == 0
                                    && unwrapped.getHandshakeStatus() == status)) {
                        return progressed;
                    }
                    check(unwrapped);
                    progressed = true;
                    break;
                default:
                    // NOT_HANDSHAKING or FINISHED; a TLS 1.3 server may still owe a session ticket.
                    return progressed;
            }
        }
        return progressed;
    }

    private static void check(SSLEngineResult result) {
        if (result.getStatus() != SSLEngineResult.Status.OK && result.getStatus() != SSLEngineResult.Status.CLOSED) {
            throw new IllegalStateException("engine: " + result);
        }
    }
}
