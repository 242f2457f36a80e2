package com.example.nettyopenssl;

import com.example.lines.Lines;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
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
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * An HTTPS server configured the way Netty's documentation shows, from the mounted files, on netty-tcnative's
 * OpenSSL engine: {@code SslContextBuilder.forServer(tls.crt, tls.key).trustManager(ca.crt)}, client auth
 * required. Arguments: certificate chain, key, CA bundle; or only the chain and key, for
 * {@code forServer(tls.crt, tls.key)} with no trust material and no client authentication. An HTTP/1.1 connection
 * stays open for further requests, as Netty's HTTP examples keep it.
 */
public final class OpenSslServerApp {
    public static void main(String[] args) throws Exception {
        OpenSsl.ensureAvailability();
        SslContextBuilder builder = SslContextBuilder.forServer(new File(args[0]), new File(args[1]));
        if (args.length > 2) {
            builder.trustManager(new File(args[2])).clientAuth(ClientAuth.REQUIRE);
        }
        SslContext ssl = builder.sslProvider(SslProvider.OPENSSL).build();
        Lines.print("CONTEXT " + ssl.getClass().getName() + " " + OpenSsl.versionString());
        EventLoopGroup group = new NioEventLoopGroup(1);
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            SslHandler tls = ssl.newHandler(ch.alloc());
                            ch.pipeline().addLast(tls, new HttpServerCodec(), new HttpObjectAggregator(1 << 16));
                            ch.pipeline().addLast(new SimpleChannelInboundHandler<FullHttpRequest>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request)
                                        throws Exception {
                                    String text = "hello from netty-openssl peer="
                                            + Lines.peer(tls.engine().getSession())
                                            + " session="
                                            + Lines.session(tls.engine().getSession()) + "\n";
                                    byte[] body = text.getBytes(StandardCharsets.UTF_8);
                                    FullHttpResponse response = new DefaultFullHttpResponse(
                                            HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
                                    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
                                    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
                                    if (HttpUtil.isKeepAlive(request)) {
                                        ctx.writeAndFlush(response);
                                    } else {
                                        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                                    }
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    System.err.println("connection failed: " + cause);
                                    ctx.close();
                                }
                            });
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .sync()
                    .channel();
            Lines.print("LISTENING " + ((InetSocketAddress) channel.localAddress()).getPort());
            Lines.awaitStdinClosed();
            channel.close().sync();
        } finally {
            group.shutdownGracefully();
        }
    }
}
