package io.meshless.agent.apps;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.KeyManagerFactory;

/**
 * Netty 4.1 HTTPS server, JDK provider. Without arguments, keys from the default KeyManagerFactory
 * initialised with no key store: an application that leaves the key material to the platform. With a
 * cert dir, configured the way Netty's documentation shows, from the mounted files:
 * {@code SslContextBuilder.forServer(tls.crt, tls.key).trustManager(ca.crt).clientAuth(REQUIRE)}.
 */
public final class NettyServerApp {
    public static void main(String[] args) throws Exception {
        SslContext ssl = args.length == 0 ? fromPlatformDefaults() : fromFiles(new File(args[0]));
        EventLoopGroup group = new NioEventLoopGroup(1);
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            SslHandler tls = ssl.newHandler(ch.alloc());
                            ch.pipeline()
                                    .addLast(
                                            tls,
                                            new HttpServerCodec(),
                                            new HttpObjectAggregator(1 << 16),
                                            new SimpleChannelInboundHandler<FullHttpRequest>() {
                                                @Override
                                                protected void channelRead0(
                                                        ChannelHandlerContext ctx, FullHttpRequest request) {
                                                    byte[] body = PeerIdentity.body(
                                                                    "netty",
                                                                    tls.engine().getSession())
                                                            .getBytes(StandardCharsets.UTF_8);
                                                    FullHttpResponse response = new DefaultFullHttpResponse(
                                                            HttpVersion.HTTP_1_1,
                                                            HttpResponseStatus.OK,
                                                            Unpooled.wrappedBuffer(body));
                                                    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
                                                    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
                                                    ChannelFuture written = ctx.writeAndFlush(response);
                                                    if (!HttpUtil.isKeepAlive(request)) {
                                                        written.addListener(ChannelFutureListener.CLOSE);
                                                    }
                                                }

                                                @Override
                                                public void exceptionCaught(
                                                        ChannelHandlerContext ctx, Throwable cause) {
                                                    System.err.println("connection failed: " + cause);
                                                    ctx.close();
                                                }
                                            });
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .sync()
                    .channel();
            ClientLoop.listening(((InetSocketAddress) channel.localAddress()).getPort());
            ClientLoop.awaitStdinClosed();
            channel.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static SslContext fromPlatformDefaults() throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(null, null);
        return SslContextBuilder.forServer(keys).sslProvider(SslProvider.JDK).build();
    }

    private static SslContext fromFiles(File certDir) throws Exception {
        return SslContextBuilder.forServer(new File(certDir, "tls.crt"), new File(certDir, "tls.key"))
                .trustManager(new File(certDir, "ca.crt"))
                .clientAuth(ClientAuth.REQUIRE)
                .sslProvider(SslProvider.JDK)
                .build();
    }
}
