package io.meshless.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.agent.it.support.AgentLines;
import io.meshless.agent.it.support.CertificateSwap;
import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Curl;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.it.support.LibraryVersions;
import io.meshless.agent.it.support.MeshAndForeignNginx;
import io.meshless.agent.it.support.Nginx;
import io.meshless.agent.it.support.ResumptionAcrossSwap;
import io.meshless.agent.tls.OpenSslContexts;
import io.meshless.pki.SpiffeId;
import io.meshless.testing.PemFiles;
import io.meshless.testing.TestPki;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * gRPC-java on grpc-netty-shaded (its relocated Netty and bundled BoringSSL), a year-old release and the newest,
 * on JDK 17 and 25, written the standard way: a server with {@code TlsServerCredentials} from the mounted files and
 * client authentication required, a client with {@code TlsChannelCredentials.create()}. The server serves mesh
 * clients (curl over HTTP/2, and the gRPC client under the agent), refuses the others and rotates; the client
 * presents the workload certificate to nginx and refuses a server of a foreign CA. The engine stays OpenSSL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcOpenSslIT {

    private static final String PROGRAMS = "grpc";
    private static final SpiffeId SERVER = TestPki.id("shop", "orders");
    private static final SpiffeId CLIENT = TestPki.id("shop", "checkout");
    private static final Duration PICK_UP = Duration.ofSeconds(20);
    /** The ALPN protocol gRPC servers accept. */
    private static final String H2 = "h2";

    private static final String OPENSSL_SESSION =
            "io.grpc.netty.shaded.io.netty.handler.ssl.ReferenceCountedOpenSslEngine";
    /** What nginx answered, as the gRPC client reports it: the description of the failed call holds the body. */
    private static final Pattern NGINX_SAW = Pattern.compile("verify=(\\S+) \\| serial=([0-9A-Fa-f]*) ");

    @TempDir
    static Path work;

    private TestPki pki;
    private Path meshCa;
    private Path request;
    private MeshAndForeignNginx nginx;

    static Stream<Arguments> jdksAndVersions() {
        return LibraryVersions.oldestAndNewestOnBothJdks("grpc");
    }

    static Stream<Arguments> jdksVersionsAndProtocols() {
        return LibraryVersions.oldestAndNewestOnBothJdksAndTlsVersions("grpc");
    }

    @BeforeAll
    void startPeers() throws IOException {
        pki = TestPki.create();
        nginx = MeshAndForeignNginx.start(work, pki, true);
        meshCa = nginx.meshCa();
        request = work.resolve("hello.grpc");
        Files.write(request, grpcFrame("hi"));
    }

    @AfterAll
    void stopPeers() {
        if (nginx != null) {
            nginx.close();
        }
    }

    @ParameterizedTest(name = "{0} gRPC {1}")
    @MethodSource("jdksAndVersions")
    void serverWithTlsServerCredentialsFromTheMountedFilesServesMeshClientsRefusesOthersAndRotates(
            Jdk jdk, String set) {
        String name = "server-" + jdk + "-" + set;
        CertificateSwap swap = CertificateSwap.ofServer(pki, work.resolve(name), SERVER);
        Path dir = swap.directory();
        PemFiles client = PemFiles.write(work, name + "-client", pki.spiffeIdOnly(CLIENT));
        PemFiles foreign = PemFiles.write(work, name + "-foreign", pki.foreign().leaf(CLIENT));
        try (ChildJvm server = startServer(jdk, set, dir, "strict", "tls.crt", "tls.key", "ca.crt");
                ChildJvm grpcClient = startMeshClient(jdk, set, name)) {
            int port = server.awaitListening();
            String url = "https://127.0.0.1:" + port + "/meshless.Hello/Say";
            String version = LibraryVersions.version(set);

            Curl.Result mesh = Curl.grpcUnary(url, meshCa, client.cert(), client.key(), request);
            assertThat(mesh.body())
                    .as("curl as a mesh client, gRPC %s\n%s\n%s", version, mesh, server.output())
                    .contains("hello from grpc peer=" + CLIENT + " ")
                    .contains("session=" + OPENSSL_SESSION);
            assertThat(mesh.serverSerial()).contains(swap.firstSerial());

            String call = grpcClient.request("127.0.0.1:" + port);
            assertThat(call)
                    .as("the gRPC client under the agent\n%s\n%s", grpcClient.output(), server.output())
                    .startsWith("OK hello from grpc peer=" + CLIENT + " ")
                    .contains(
                            "server=" + SERVER + " serial=" + swap.firstSerial().toString(16));

            Curl.Result none = Curl.grpcUnary(url, meshCa, null, null, request);
            assertThat(none.body()).as("client without a certificate: %s", none).doesNotContain("hello from");
            assertThat(none.succeeded()).as("%s", none).isFalse();
            Curl.Result stranger = Curl.grpcUnary(url, meshCa, foreign.cert(), foreign.key(), request);
            assertThat(stranger.body())
                    .as("client of a foreign CA: %s", stranger)
                    .doesNotContain("hello from");
            assertThat(stranger.succeeded()).as("%s", stranger).isFalse();

            swap.perform(server);
            Curl.Result after = Curl.grpcUnary(url, meshCa, client.cert(), client.key(), request);
            assertThat(after.body()).as("after the swap: %s", after).contains("hello from grpc peer=" + CLIENT + " ");
            assertThat(after.serverSerial())
                    .as("a new connection after the swap\n%s", server.stderr())
                    .contains(swap.secondSerial());
        }
    }

    /**
     * The application asked for no client certificate ({@code TlsServerCredentials.create(chain, key)}): the
     * context's key material is the mesh's, so mode=strict requires one, as it does of JSSE servers.
     */
    @ParameterizedTest(name = "{0} gRPC {1}")
    @MethodSource("jdksAndVersions")
    void serverFromTheMountedFilesWithoutClientAuthRequiresClientCertificatesInStrictMode(Jdk jdk, String set) {
        String name = "server-no-client-auth-" + jdk + "-" + set;
        Path dir = TestPki.volume(work.resolve(name), pki.leaf(SERVER), pki.bundle(), null)
                .directory();
        PemFiles client = PemFiles.write(work, name + "-client", pki.spiffeIdOnly(CLIENT));
        try (ChildJvm server = startServer(jdk, set, dir, "strict", "tls.crt", "tls.key")) {
            String url = "https://127.0.0.1:" + server.awaitListening() + "/meshless.Hello/Say";

            Curl.Result mesh = Curl.grpcUnary(url, meshCa, client.cert(), client.key(), request);
            assertThat(mesh.body())
                    .as("curl as a mesh client\n%s\n%s", mesh, server.output())
                    .contains("hello from grpc peer=" + CLIENT + " ")
                    .contains("session=" + OPENSSL_SESSION);
            Curl.Result none = Curl.grpcUnary(url, meshCa, null, null, request);
            assertThat(none.body())
                    .as("client without a certificate\n%s\n%s", none, server.output())
                    .doesNotContain("hello from");
            assertThat(none.succeeded()).as("%s", none).isFalse();
        }
    }

    /**
     * A session saved before a swap and offered after it ({@code s_client -alpn h2}) is not resumed by
     * grpc-netty-shaded's relocated Netty ({@link ResumptionAcrossSwap}).
     */
    @ParameterizedTest(name = "{0} gRPC {1} {2}")
    @MethodSource("jdksVersionsAndProtocols")
    void resumesNoSessionMadeWithTheReplacedCertificate(Jdk jdk, String set, String protocol) {
        String name = "resume-" + jdk + "-" + set + "-" + protocol;
        CertificateSwap swap = CertificateSwap.ofServer(pki, work.resolve(name), SERVER);
        PemFiles client = PemFiles.write(work, name + "-client", pki.spiffeIdOnly(CLIENT));
        try (ChildJvm server = startServer(jdk, set, swap.directory(), "strict", "tls.crt", "tls.key", "ca.crt")) {
            ResumptionAcrossSwap.assertFullHandshakeAfterSwap(
                    server, server.awaitListening(), protocol, H2, meshCa, client, work.resolve(name), swap);
        }
    }

    /**
     * A gRPC client's connection (one channel, HTTP/2) opened before a swap keeps its identity and goes on serving
     * calls after it, while a new connection gets the new certificate.
     */
    @ParameterizedTest(name = "{0} gRPC {1}")
    @MethodSource("jdksAndVersions")
    void connectionOpenedBeforeASwapKeepsServing(Jdk jdk, String set) {
        String name = "open-" + jdk + "-" + set;
        CertificateSwap swap = CertificateSwap.ofServer(pki, work.resolve(name), SERVER);
        Path dir = swap.directory();
        try (ChildJvm server = startServer(jdk, set, dir, "strict", "tls.crt", "tls.key", "ca.crt");
                ChildJvm grpcClient = startMeshClient(jdk, set, name)) {
            String target = "127.0.0.1:" + server.awaitListening();
            String held = "held " + target;
            String servedBy = " | server=" + SERVER + " serial=";

            assertThat(grpcClient.request(held))
                    .as("before the swap\n%s\n%s", grpcClient.output(), server.output())
                    .startsWith("OK hello from grpc peer=" + CLIENT + " ")
                    .contains(servedBy + swap.firstSerial().toString(16) + " ");

            swap.perform(server);

            assertThat(server.stderr())
                    .as("the shaded Netty's session caches and ticket keys were reached")
                    .doesNotContain(OpenSslContexts.UNSUPPORTED_NETTY);
            assertThat(grpcClient.request(target))
                    .as("a new connection after the swap\n%s\n%s", grpcClient.output(), server.stderr())
                    .contains(servedBy + swap.secondSerial().toString(16) + " ");
            assertThat(grpcClient.request(held))
                    .as("the connection opened before the swap\n%s\n%s", grpcClient.output(), server.output())
                    .startsWith("OK hello from grpc peer=" + CLIENT + " ")
                    .contains(servedBy + swap.firstSerial().toString(16) + " ");
        }
    }

    /**
     * mode=audit: a client without a certificate is admitted by a server with {@code TlsServerCredentials} from the
     * mounted files (the engine stays grpc-netty-shaded's OpenSSL), and reported once as strict would have refused it.
     */
    @ParameterizedTest(name = "{0} gRPC {1}")
    @MethodSource("jdksAndVersions")
    void serverFromTheMountedFilesAdmitsAndReportsClientsWithoutCertificateInAuditMode(Jdk jdk, String set) {
        String name = "server-audit-" + jdk + "-" + set;
        Path dir = TestPki.volume(work.resolve(name), pki.leaf(SERVER), pki.bundle(), null)
                .directory();
        try (ChildJvm server = startServer(jdk, set, dir, "audit", "tls.crt", "tls.key")) {
            String url = "https://127.0.0.1:" + server.awaitListening() + "/meshless.Hello/Say";

            Curl.Result none = Curl.grpcUnary(url, meshCa, null, null, request);
            assertThat(none.body())
                    .as("client without a certificate\n%s\n%s", none, server.output())
                    .contains("hello from grpc peer=none ")
                    .contains("session=" + OPENSSL_SESSION);
            server.awaitStderrLine(NettyOpenSslIT.NO_CERTIFICATE_ADMITTED, PICK_UP);
            assertThat(AgentLines.count(server.stderr(), NettyOpenSslIT.NO_CERTIFICATE_ADMITTED))
                    .as("audit lines for the client without a certificate\n%s", server.stderr())
                    .isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0} gRPC {1}")
    @MethodSource("jdksAndVersions")
    void clientWithTlsChannelCredentialsPresentsTheWorkloadCertificateAndRefusesForeignServers(Jdk jdk, String set) {
        CertificateSwap swap = CertificateSwap.ofClient(pki, work.resolve("client-" + jdk + "-" + set), CLIENT);
        try (ChildJvm client = startClient(jdk, set, swap.directory())) {
            String version = LibraryVersions.version(set);
            assertThat(nginxSaw(client, nginx.mesh(), version))
                    .as("nginx: client certificate verified, its serial")
                    .isEqualTo("SUCCESS " + swap.firstSerial().toString(16));

            String foreign = client.request("127.0.0.1:" + nginx.foreign().port());
            assertThat(foreign)
                    .as("server of a foreign CA\n%s", client.output())
                    .startsWith("FAIL")
                    .doesNotContain("verify=");

            swap.perform(client);
            assertThat(nginxSaw(client, nginx.mesh(), version))
                    .as("a new connection after the swap")
                    .isEqualTo("SUCCESS " + swap.secondSerial().toString(16));
        }
    }

    /**
     * {@code GrpcServerApp} under the agent with {@code cert-dir=dir,mode=mode}, given {@code files} of the mounted
     * directory: chain and key, and the CA bundle for client authentication required.
     */
    private ChildJvm startServer(Jdk jdk, String set, Path dir, String mode, String... files) {
        return ChildJvm.builder(jdk, "com.example.grpcopenssl.GrpcServerApp")
                .classPath(LibraryVersions.classPath(work, PROGRAMS, set))
                .agent("cert-dir=" + dir + ",mode=" + mode)
                .args(Stream.of(files).map(file -> dir.resolve(file).toString()).toArray(String[]::new))
                .start();
    }

    /** {@code GrpcClientApp} under the agent with a volume of its own ({@code name}) holding a certificate of CLIENT. */
    private ChildJvm startMeshClient(Jdk jdk, String set, String name) {
        Path certDir = TestPki.volume(work.resolve(name + "-grpc-client"), pki.spiffeIdOnly(CLIENT), pki.bundle(), null)
                .directory();
        return startClient(jdk, set, certDir);
    }

    /** {@code GrpcClientApp} under the agent with {@code cert-dir=certDir}. */
    private ChildJvm startClient(Jdk jdk, String set, Path certDir) {
        return ChildJvm.builder(jdk, "com.example.grpcopenssl.GrpcClientApp")
                .classPath(LibraryVersions.classPath(work, PROGRAMS, set))
                .agent("cert-dir=" + certDir)
                .start();
    }

    /** "$ssl_client_verify serial" of one call to nginx, which answers a gRPC call with its plain-text report. */
    private static String nginxSaw(ChildJvm client, Nginx nginx, String version) {
        String result = client.request("127.0.0.1:" + nginx.port());
        Matcher saw = NGINX_SAW.matcher(result);
        assertThat(saw.find())
                .as("nginx's report in the call's status, gRPC %s: %s\n%s", version, result, client.output())
                .isTrue();
        return saw.group(1) + " " + new BigInteger(saw.group(2).isEmpty() ? "0" : saw.group(2), 16).toString(16);
    }

    /** A gRPC length-prefixed message: not compressed, 4-byte big-endian length, the UTF-8 text. */
    private static byte[] grpcFrame(String text) {
        byte[] message = text.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[5 + message.length];
        frame[1] = (byte) (message.length >>> 24);
        frame[2] = (byte) (message.length >>> 16);
        frame[3] = (byte) (message.length >>> 8);
        frame[4] = (byte) message.length;
        System.arraycopy(message, 0, frame, 5, message.length);
        return frame;
    }
}
