package io.meshless.injector.http;

import io.meshless.injector.metrics.InjectorMetrics;
import io.meshless.injector.webhook.AdmissionReply;
import io.meshless.injector.webhook.AdmissionReviewHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's endpoints on one connection: POST /mutate, GET /healthz, /readyz, /metrics, exact
 * paths only. Requests are answered in order on the connection's event loop; admission is short
 * and CPU-bound, so handing it to another thread would cost more than it takes. A body over
 * {@link WebhookServer#MAX_BODY_BYTES} is refused as soon as it is announced or exceeded.
 */
final class WebhookEndpoints extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookEndpoints.class);
    private static final String TEXT = "text/plain; charset=utf-8";
    /** After refusing an oversized chunked body, read this much more so the client sees the answer. */
    private static final int DRAIN_AFTER_REFUSAL = 64 * 1024;

    private final AdmissionReviewHandler handler;
    private final InjectorMetrics metrics;
    private final Readiness readiness;
    private final ReadDeadlines deadlines;

    // The request being read; one at a time, all on the event loop.
    private String path;
    private HttpMethod method;
    private boolean keepAlive;
    private boolean mutate;
    private long start;
    private byte[] body = new byte[0];
    private int length;
    /** -1 while reading normally; otherwise the bytes still drained after a refusal, then close. */
    private int draining = -1;

    WebhookEndpoints(
            AdmissionReviewHandler handler, InjectorMetrics metrics, Readiness readiness, ReadDeadlines deadlines) {
        this.handler = handler;
        this.metrics = metrics;
        this.readiness = readiness;
        this.deadlines = deadlines;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest) {
                headers(ctx, (HttpRequest) msg);
            }
            if (msg instanceof HttpContent && ctx.channel().isActive()) {
                content(ctx, (HttpContent) msg);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void headers(ChannelHandlerContext ctx, HttpRequest request) {
        DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            Throwable cause = decoded.cause();
            HttpResponseStatus status = cause instanceof TooLongFrameException
                    ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST;
            refuse(ctx, status, "malformed HTTP request: " + cause.getMessage(), false);
            return;
        }
        deadlines.headersRead();
        start = System.nanoTime();
        path = new QueryStringDecoder(request.uri()).path();
        method = request.method();
        keepAlive = HttpUtil.isKeepAlive(request);
        mutate = "/mutate".equals(path) && HttpMethod.POST.equals(method);
        length = 0;
        draining = -1;
        if (mutate && !acceptableMutate(ctx, request)) {
            return;
        }
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
    }

    /** Refuses a review by its headers alone (type, announced size); false when refused. */
    private boolean acceptableMutate(ChannelHandlerContext ctx, HttpRequest request) {
        String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (contentType != null && !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            refuse(
                    ctx,
                    HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type must be application/json, not " + contentType,
                    true);
            return false;
        }
        String announced = request.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        if (announced == null) {
            body = new byte[8 * 1024];
            return true;
        }
        long declared;
        try {
            declared = Long.parseLong(announced.trim());
        } catch (NumberFormatException e) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "Content-Length is not a number: " + announced, true);
            return false;
        }
        if (declared > WebhookServer.MAX_BODY_BYTES) {
            // Refused before reading a byte of it.
            refuse(
                    ctx,
                    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "request body of " + declared + " bytes is over the limit of " + WebhookServer.MAX_BODY_BYTES
                            + " bytes (3 MiB)",
                    true);
            return false;
        }
        body = new byte[(int) Math.max(0, declared)];
        return true;
    }

    private void content(ChannelHandlerContext ctx, HttpContent content) {
        ByteBuf bytes = content.content();
        boolean last = content instanceof LastHttpContent;
        if (draining >= 0) {
            draining -= bytes.readableBytes();
            if (last || draining < 0) {
                ctx.close();
            }
            return;
        }
        if (path == null) {
            return; // the rest of a request already answered (a refusal closes the connection)
        }
        int size = bytes.readableBytes();
        if ((long) length + size > WebhookServer.MAX_BODY_BYTES) {
            if (!mutate) {
                ctx.close();
                return;
            }
            // Read a little more, so a client that is done sending gets the answer rather than a
            // connection reset; a client that keeps sending is cut off.
            draining = last ? -1 : DRAIN_AFTER_REFUSAL;
            refuse(
                    ctx,
                    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "request body is over the limit of " + WebhookServer.MAX_BODY_BYTES + " bytes (3 MiB)",
                    true);
            return;
        }
        if (mutate) {
            if (length + size > body.length) {
                body = Arrays.copyOf(
                        body, Math.min(WebhookServer.MAX_BODY_BYTES, Math.max(length + size, body.length * 2)));
            }
            bytes.readBytes(body, length, size);
        }
        length += size;
        if (last) {
            deadlines.bodyRead();
            answer(ctx);
        }
    }

    private void answer(ChannelHandlerContext ctx) {
        String requestPath = path;
        path = null;
        switch (requestPath) {
            case "/mutate":
                if (!mutate) {
                    send(ctx, 405, TEXT, "/mutate accepts POST only, not " + method + "\n", "POST");
                } else {
                    admit(ctx);
                }
                break;
            case "/healthz":
                getOnly(ctx, requestPath, 200, "ok\n");
                break;
            case "/readyz":
                Readiness.Report report = readiness.check();
                getOnly(ctx, requestPath, report.ready() ? 200 : 503, report.body());
                break;
            case "/metrics":
                if (!HttpMethod.GET.equals(method)) {
                    send(ctx, 405, TEXT, requestPath + " accepts GET only\n", "GET");
                } else {
                    send(ctx, 200, InjectorMetrics.CONTENT_TYPE, metrics.scrape(), null);
                }
                break;
            default:
                send(
                        ctx,
                        404,
                        TEXT,
                        "no such endpoint: " + requestPath
                                + " (endpoints: POST /mutate, GET /healthz, /readyz, /metrics)\n",
                        null);
        }
    }

    private void admit(ChannelHandlerContext ctx) {
        byte[] review = length == body.length ? body : Arrays.copyOf(body, length);
        body = new byte[0];
        AdmissionReply reply = handler.handle(review);
        respond(ctx, HttpResponseStatus.valueOf(reply.httpStatus()), reply.contentType(), reply.body(), null, false);
        metrics.admission(reply.result(), Duration.ofNanos(System.nanoTime() - start));
        if (reply.result() == AdmissionReply.Result.INJECTED || reply.result() == AdmissionReply.Result.SKIPPED) {
            LOG.debug("{}: {}", reply.result().label(), reply.message());
        } else {
            LOG.info("admission {}: {}", reply.result().label(), reply.message());
        }
    }

    /** Answers and closes: the rest of this request is not read. */
    private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String message, boolean admission) {
        path = null;
        respond(ctx, status, TEXT, (message + "\n").getBytes(StandardCharsets.UTF_8), null, true);
        if (admission) {
            metrics.admission(AdmissionReply.Result.INVALID, Duration.ofNanos(System.nanoTime() - start));
            LOG.info("admission invalid: {}", message);
        }
    }

    private void getOnly(ChannelHandlerContext ctx, String requestPath, int status, String text) {
        if (!HttpMethod.GET.equals(method)) {
            send(ctx, 405, TEXT, requestPath + " accepts GET only\n", "GET");
        } else {
            send(ctx, status, TEXT, text, null);
        }
    }

    private void send(ChannelHandlerContext ctx, int status, String contentType, String text, String allow) {
        respond(
                ctx,
                HttpResponseStatus.valueOf(status),
                contentType,
                text.getBytes(StandardCharsets.UTF_8),
                allow,
                false);
    }

    private void respond(
            ChannelHandlerContext ctx,
            HttpResponseStatus status,
            String contentType,
            byte[] content,
            String allow,
            boolean close) {
        FullHttpResponse response =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(content));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set("X-Content-Type-Options", "nosniff")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.length);
        if (allow != null) {
            response.headers().set(HttpHeaderNames.ALLOW, allow);
        }
        boolean keep = keepAlive && !close;
        if (!keep) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ChannelFuture written = ctx.writeAndFlush(response);
        if (keep) {
            deadlines.answered();
        } else if (draining < 0) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // The client went away or sent garbage; this connection is over, the server goes on.
        LOG.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
