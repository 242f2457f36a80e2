package com.example.grpcopenssl;

import com.example.lines.Lines;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;

/**
 * gRPC's standard secure channel, {@code Grpc.newChannelBuilder(target, TlsChannelCredentials.create())}, on
 * grpc-netty-shaded: one unary call per stdin target ({@code host:port}), each on a new channel; or, for
 * {@code held host:port}, on the one channel this program keeps to that target, whose connection stays open
 * between calls.
 */
public final class GrpcClientApp {
    private static final String HELD = "held ";
    private static final Map<String, ManagedChannel> HELD_CHANNELS = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        Lines.answer(line -> line.startsWith(HELD)
                ? call(HELD_CHANNELS.computeIfAbsent(line.substring(HELD.length()), GrpcClientApp::channel))
                : callOnce(line));
    }

    private static ManagedChannel channel(String target) {
        return Grpc.newChannelBuilder(target, TlsChannelCredentials.create()).build();
    }

    private static String callOnce(String target) throws Exception {
        ManagedChannel channel = channel(target);
        try {
            return call(channel);
        } finally {
            channel.shutdownNow();
        }
    }

    private static String call(ManagedChannel channel) throws Exception {
        ClientCall<String, String> call =
                channel.newCall(Hello.SAY, CallOptions.DEFAULT.withDeadlineAfter(15, TimeUnit.SECONDS));
        CompletableFuture<String> result = new CompletableFuture<>();
        StringBuilder reply = new StringBuilder();
        call.start(
                new ClientCall.Listener<String>() {
                    @Override
                    public void onMessage(String message) {
                        reply.append(message);
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        if (status.isOk()) {
                            SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
                            try {
                                result.complete(reply + " | server=" + Lines.identity(session.getPeerCertificates())
                                        + " | clientSession=" + Lines.session(session));
                            } catch (Exception e) {
                                result.completeExceptionally(e);
                            }
                        } else {
                            result.completeExceptionally(status.asRuntimeException(trailers));
                        }
                    }
                },
                new Metadata());
        call.request(1);
        call.sendMessage("hi");
        call.halfClose();
        return result.get(20, TimeUnit.SECONDS);
    }
}
