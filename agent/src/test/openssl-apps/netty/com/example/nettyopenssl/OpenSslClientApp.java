package com.example.nettyopenssl;

import com.example.lines.Lines;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An HTTPS client on netty-tcnative's OpenSSL engine with Netty's defaults: {@code SslContextBuilder.forClient()},
 * no key material, default trust. One GET per stdin URL, each with a new context and connection.
 */
public final class OpenSslClientApp {
    public static void main(String[] args) throws Exception {
        OpenSsl.ensureAvailability();
        EventLoopGroup group = new NioEventLoopGroup(1);
        try {
            Lines.answer(url -> get(newContext(), group, URI.create(url)));
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static SslContext newContext() throws Exception {
        return SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL).build();
    }

    private static String get(SslContext ssl, EventLoopGroup group, URI uri) throws Exception {
        CompletableFuture<String> result = new CompletableFuture<>();
        SslHandler[] tls = new SslHandler[1];
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        tls[0] = ssl.newHandler(channel.alloc(), uri.getHost(), uri.getPort());
                        channel.pipeline().addLast(tls[0], new HttpClientCodec(), new HttpObjectAggregator(1 << 20));
                        channel.pipeline().addLast(new SimpleChannelInboundHandler<FullHttpResponse>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
                                result.complete(response.status().code() + " "
                                        + response.content().toString(StandardCharsets.UTF_8) + "session="
                                        + Lines.session(tls[0].engine().getSession()));
                                ctx.close();
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                result.completeExceptionally(cause);
                                ctx.close();
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                result.completeExceptionally(new IllegalStateException("connection closed"));
                            }
                        });
                    }
                });
        Channel channel = bootstrap.connect(uri.getHost(), uri.getPort()).sync().channel();
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        request.headers().set(HttpHeaderNames.HOST, uri.getHost());
        channel.writeAndFlush(request);
        try {
            return result.get(15, TimeUnit.SECONDS);
        } finally {
            channel.close();
        }
    }
}
