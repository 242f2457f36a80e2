package io.meshless.injector.http;

import io.meshless.injector.metrics.InjectorMetrics;
import io.meshless.injector.webhook.AdmissionReviewHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin HTTPS adapter around {@link AdmissionReviewHandler}: Netty, which the injector already
 * carries for Fabric8's HTTP client. A few event-loop threads serve every connection, so a slow
 * or idle client holds no thread; {@link ServerLimits} bound how long a client may take and how
 * many may be connected. TLS comes from a JDK {@link SSLContext} over pki's reloading key
 * manager: every handshake asks it for the current serving certificate, so rotation needs no
 * restart.
 *
 * <p>The handshake's public-key work (key agreement, the certificate signature) runs on its own
 * small pool, not on the event loops: a crowd of new connections (a client fleet reconnecting, or
 * hundreds of slow connections closed by a deadline and reopened at once) then queues for those
 * threads while the event loops keep answering the reviews that arrive on connections already
 * open, which is how the API server sends them. Handshakes wait in the pool's queue in arrival
 * order; its length is bounded by {@link ServerLimits#maxConnections()}, as each connection has at
 * most one handshake step queued. As the crowd's handshakes finish one after another, their read
 * deadlines, which start there, no longer fire all at once either. (Deadlines drawn at random per
 * connection were tried as well and measured no better: shorter ones only make a hostile client
 * reconnect, and handshake, more often.)
 */
public final class WebhookServer implements AutoCloseable {
    /** The API server's own request limit: a bigger body is not an AdmissionReview from it. */
    public static final int MAX_BODY_BYTES = 3 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(WebhookServer.class);
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final int MAX_REQUEST_LINE = 4096;
    private static final int MAX_HEADER_BYTES = 16 * 1024;

    private final EventLoopGroup loops;
    private final ExecutorService handshakes;
    private final Channel listener;
    private final AtomicInteger open;

    private WebhookServer(EventLoopGroup loops, ExecutorService handshakes, Channel listener, AtomicInteger open) {
        this.loops = loops;
        this.handshakes = handshakes;
        this.listener = listener;
        this.open = open;
    }

    /** {@link #start(InetSocketAddress, SSLContext, AdmissionReviewHandler, InjectorMetrics, Readiness, int, ServerLimits)} with the default limits. */
    public static WebhookServer start(
            InetSocketAddress address,
            SSLContext tls,
            AdmissionReviewHandler handler,
            InjectorMetrics metrics,
            Readiness readiness,
            int threads)
            throws IOException {
        return start(address, tls, handler, metrics, readiness, threads, ServerLimits.DEFAULT);
    }

    /**
     * Binds and starts serving.
     *
     * @param address e.g. 0.0.0.0:8443, or 127.0.0.1:0 for an ephemeral port in tests
     * @param tls server context whose key manager supplies the (rotating) serving certificate
     * @param threads event-loop threads; each serves many connections (admission is CPU-bound and short).
     *     Half as many (at least one) run TLS handshakes, so handshakes alone can take at most half of
     *     the server's threads from the reviews.
     */
    public static WebhookServer start(
            InetSocketAddress address,
            SSLContext tls,
            AdmissionReviewHandler handler,
            InjectorMetrics metrics,
            Readiness readiness,
            int threads,
            ServerLimits limits)
            throws IOException {
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(readiness, "readiness");
        Objects.requireNonNull(limits, "limits");
        AtomicInteger open = new AtomicInteger();
        EventLoopGroup loops = new NioEventLoopGroup(threads, new DefaultThreadFactory("meshless-webhook", true));
        ExecutorService handshakes = handshakePool(Math.max(1, threads / 2));
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // Heap buffers, not pooled arenas: a review is a few KiB and the JDK's TLS engine
                // works on heap buffers anyway, while the pool's 4 MiB chunks per event loop were
                // about 20 MB of resident memory at 500 reviews/s.
                .childOption(ChannelOption.ALLOCATOR, new UnpooledByteBufAllocator(false))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (open.incrementAndGet() > limits.maxConnections()) {
                            open.decrementAndGet();
                            metrics.connectionRefused();
                            LOG.debug(
                                    "connection from {} closed: {} open already",
                                    channel.remoteAddress(),
                                    limits.maxConnections());
                            channel.close();
                            return;
                        }
                        channel.closeFuture().addListener(closed -> open.decrementAndGet());
                        ReadDeadlines deadlines = new ReadDeadlines(limits);
                        channel.pipeline()
                                .addLast("tls", tls(tls, limits, handshakes))
                                .addLast("deadlines", deadlines)
                                .addLast("http", new HttpServerCodec(MAX_REQUEST_LINE, MAX_HEADER_BYTES, 64 * 1024))
                                .addLast("endpoints", new WebhookEndpoints(handler, metrics, readiness, deadlines));
                    }
                });
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            loops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            handshakes.shutdownNow();
            throw new IOException(
                    "cannot listen on " + address + ": " + bound.cause().getMessage(), bound.cause());
        }
        WebhookServer server = new WebhookServer(loops, handshakes, bound.channel(), open);
        metrics.attachOpenConnections(server::openConnections);
        return server;
    }

    /**
     * The threads that run the JDK engine's delegated handshake tasks (where it consumes a
     * ClientHello, agrees a key and signs; about a millisecond of CPU each). The queue has no bound of
     * its own: a connection queues at most one task at a time, and connections are capped.
     */
    private static ExecutorService handshakePool(int threads) {
        return Executors.newFixedThreadPool(threads, new DefaultThreadFactory("meshless-webhook-handshake", true));
    }

    private static SslHandler tls(SSLContext context, ServerLimits limits, ExecutorService handshakes) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setEnabledProtocols(PROTOCOLS); // TLS 1.2+ only
        engine.setNeedClientAuth(false); // the API server authenticates us, not the reverse
        // The engine's delegated tasks (the handshake's crypto) run on the handshake pool; the event
        // loop only moves records and resumes the handshake when a task is done.
        SslHandler handler = new SslHandler(engine, handshakes);
        handler.setHandshakeTimeoutMillis(limits.handshake().toMillis());
        return handler;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** Connections open now. */
    public int openConnections() {
        return open.get();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        handshakes.shutdownNow();
    }
}
