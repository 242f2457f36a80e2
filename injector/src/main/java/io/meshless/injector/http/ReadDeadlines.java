package io.meshless.injector.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read deadlines of one connection: one timer at a time, re-armed as a request moves from
 * idle to headers to body to being answered. It sits between TLS and the HTTP decoder, so it sees
 * the first decrypted byte of each request (which starts the header deadline); the HTTP handler
 * reports the end of headers and body. A client that misses a deadline is answered 408 and
 * closed; an idle keep-alive connection is closed silently. Everything runs on the connection's
 * event loop, so no field needs a lock.
 */
final class ReadDeadlines extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ReadDeadlines.class);

    private enum Phase {
        HANDSHAKE,
        IDLE,
        HEADER,
        BODY,
        ANSWERING
    }

    private final ServerLimits limits;
    private ChannelHandlerContext context;
    private Phase phase = Phase.HANDSHAKE;
    private ScheduledFuture<?> timer;

    ReadDeadlines(ServerLimits limits) {
        this.limits = limits;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.context = ctx;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent && ((SslHandshakeCompletionEvent) event).isSuccess()) {
            // A new connection's first request is due at once: waiting idle is for keep-alive.
            arm(Phase.HEADER, limits.header());
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (phase == Phase.IDLE) {
            arm(Phase.HEADER, limits.header());
        }
        super.channelRead(ctx, msg);
    }

    /** The request's headers are complete: the body is due. */
    void headersRead() {
        arm(Phase.BODY, limits.body());
    }

    /** The request is complete: no read deadline while it is answered. */
    void bodyRead() {
        cancel();
        phase = Phase.ANSWERING;
    }

    /** The answer is written and the connection stays open for the next request. */
    void answered() {
        arm(Phase.IDLE, limits.idle());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    private void arm(Phase next, Duration after) {
        cancel();
        phase = next;
        timer = context.executor().schedule(() -> expired(next, after), after.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expired(Phase expected, Duration after) {
        if (phase != expected || !context.channel().isActive()) {
            return;
        }
        timer = null;
        if (expected == Phase.IDLE) {
            context.close();
            return;
        }
        String part = expected == Phase.HEADER ? "request headers" : "request body";
        LOG.debug("{}: {} not complete within {}, closing", context.channel().remoteAddress(), part, after);
        byte[] text = (part + " not received within " + after.toMillis() + " ms\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT, Unpooled.wrappedBuffer(text));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, text.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        // From the pipeline's tail, through the HTTP encoder.
        context.pipeline().writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
