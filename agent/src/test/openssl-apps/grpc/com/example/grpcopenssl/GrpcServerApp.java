package com.example.grpcopenssl;

import com.example.lines.Lines;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLSession;

/**
 * A gRPC server on grpc-netty-shaded (its bundled BoringSSL engine) with {@code TlsServerCredentials} from the
 * mounted files and client authentication required. Arguments: certificate chain, key, CA bundle; or only the
 * chain and key, for {@code TlsServerCredentials.create(chain, key)}: no trust material, no client authentication.
 */
public final class GrpcServerApp {
    public static void main(String[] args) throws Exception {
        ServerCredentials credentials = args.length == 2
                ? TlsServerCredentials.create(new File(args[0]), new File(args[1]))
                : TlsServerCredentials.newBuilder()
                        .keyManager(new File(args[0]), new File(args[1]))
                        .trustManager(new File(args[2]))
                        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                        .build();
        ServerCallHandler<String, String> hello = (call, headers) -> {
            call.request(1);
            return new ServerCall.Listener<String>() {
                @Override
                public void onHalfClose() {
                    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
                    String reply;
                    try {
                        reply = "hello from grpc peer=" + Lines.peer(session) + " session=" + Lines.session(session);
                    } catch (Exception e) {
                        reply = "hello from grpc peer=unreadable " + e;
                    }
                    call.sendHeaders(new Metadata());
                    call.sendMessage(reply);
                    call.close(Status.OK, new Metadata());
                }
            };
        };
        Server server = NettyServerBuilder.forAddress(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), credentials)
                .addService(ServerServiceDefinition.builder("meshless.Hello")
                        .addMethod(Hello.SAY, hello)
                        .build())
                .build()
                .start();
        Lines.print("LISTENING " + server.getPort());
        Lines.awaitStdinClosed();
        server.shutdownNow();
    }
}
