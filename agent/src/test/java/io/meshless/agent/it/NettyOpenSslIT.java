package io.meshless.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.agent.it.support.AgentLines;
import io.meshless.agent.it.support.CertificateSwap;
import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Curl;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.it.support.LibraryVersions;
import io.meshless.agent.it.support.MeshAndForeignNginx;
import io.meshless.agent.it.support.NginxReport;
import io.meshless.agent.it.support.OpensslConnection;
import io.meshless.agent.it.support.ResumptionAcrossSwap;
import io.meshless.agent.tls.OpenSslContexts;
import io.meshless.pki.SpiffeId;
import io.meshless.testing.PemFiles;
import io.meshless.testing.TestPki;
import java.nio.file.Path;
import java.time.Duration;
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
 * Plain Netty on netty-tcnative's OpenSSL engine ({@code SslProvider.OPENSSL}, BoringSSL), the oldest and newest
 * Netty the hooks claim, on JDK 17 and 25: a server built from the mounted files serves mesh clients (curl) and
 * rotates; a client built with Netty's defaults presents the workload certificate to nginx and refuses a server
 * of a foreign CA. The engine stays OpenSSL throughout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NettyOpenSslIT {

    private static final String PROGRAMS = "netty";
    private static final SpiffeId SERVER = TestPki.id("shop", "orders");
    private static final SpiffeId CLIENT = TestPki.id("shop", "checkout");
    private static final Duration PICK_UP = Duration.ofSeconds(20);
    /** The audit line for a client that sent no certificate. */
    static final Pattern NO_CERTIFICATE_ADMITTED = AgentLines.admittedWithoutCertificate();
    /** Netty's OpenSSL sessions; the JDK's would be sun.security.ssl.SSLSessionImpl. */
    static final String OPENSSL_SESSION = "io.netty.handler.ssl.ReferenceCountedOpenSslEngine";

    @TempDir
    static Path work;

    private TestPki pki;
    private Path meshCa;
    private MeshAndForeignNginx nginx;

    static Stream<Arguments> jdksAndVersions() {
        return LibraryVersions.oldestAndNewestOnBothJdks("netty");
    }

    static Stream<Arguments> jdksVersionsAndProtocols() {
        return LibraryVersions.oldestAndNewestOnBothJdksAndTlsVersions("netty");
    }

    @BeforeAll
    void startPeers() {
        pki = TestPki.create();
        nginx = MeshAndForeignNginx.start(work, pki, false);
        meshCa = nginx.meshCa();
    }

    @AfterAll
    void stopPeers() {
        if (nginx != null) {
            nginx.close();
        }
    }

    @ParameterizedTest(name = "{0} Netty {1}")
    @MethodSource("jdksAndVersions")
    void serverBuiltFromTheMountedFilesServesMeshClientsRefusesOthersAndRotates(Jdk jdk, String set) {
        String name = "server-" + jdk + "-" + set;
        CertificateSwap swap = CertificateSwap.ofServer(pki, work.resolve(name), SERVER);
        Path dir = swap.directory();
        PemFiles client = PemFiles.write(work, name + "-client", pki.spiffeIdOnly(CLIENT));
        PemFiles foreign = PemFiles.write(work, name + "-foreign", pki.foreign().leaf(CLIENT));
        try (ChildJvm server = startServerRequiringClientCertificates(jdk, set, dir)) {
            String url = "https://127.0.0.1:" + server.awaitListening() + "/";

            Curl.Result mesh = Curl.get(url, meshCa, client.cert(), client.key());
            assertThat(mesh.body())
                    .as("mesh client, Netty %s\n%s\n%s", LibraryVersions.version(set), mesh, server.output())
                    .contains("peer=" + CLIENT + " ")
                    .contains("session=" + OPENSSL_SESSION);
            assertThat(serverSerial(url, client))
                    .as("before rotation\n%s", server.stderr())
                    .isEqualTo(swap.firstSerial().toString(16));

            Curl.Result none = Curl.getWithoutClientCertificate(url, meshCa);
            assertThat(none.body()).as("client without a certificate: %s", none).doesNotContain("hello from");
            assertThat(none.succeeded()).as("%s", none).isFalse();
            Curl.Result stranger = Curl.get(url, meshCa, foreign.cert(), foreign.key());
            assertThat(stranger.body())
                    .as("client of a foreign CA: %s", stranger)
                    .doesNotContain("hello from");
            assertThat(stranger.succeeded()).as("%s", stranger).isFalse();

            swap.perform(server);
            assertThat(serverSerial(url, client))
                    .as("a new connection after the swap\n%s", server.stderr())
                    .isEqualTo(swap.secondSerial().toString(16));
        }
    }

    /** A session saved before a swap and offered after it is not resumed ({@link ResumptionAcrossSwap}). */
    @ParameterizedTest(name = "{0} Netty {1} {2}")
    @MethodSource("jdksVersionsAndProtocols")
    void resumesNoSessionMadeWithTheReplacedCertificate(Jdk jdk, String set, String protocol) {
        String name = "resume-" + jdk + "-" + set + "-" + protocol;
        CertificateSwap swap = CertificateSwap.ofServer(pki, work.resolve(name), SERVER);
        PemFiles client = PemFiles.write(work, name + "-client", pki.spiffeIdOnly(CLIENT));
        try (ChildJvm server = startServerRequiringClientCertificates(jdk, set, swap.directory())) {
            ResumptionAcrossSwap.assertFullHandshakeAfterSwap(
                    server, server.awaitListening(), protocol, null, meshCa, client, work.resolve(name), swap);
        }
    }

    /** A keep-alive connection opened before a swap keeps its identity and goes on serving requests after it. */
    @ParameterizedTest(name = "{0} Netty {1}")
    @MethodSource("jdksAndVersions")
    void connectionOpenedBeforeASwapKeepsServing(Jdk jdk, String set) {
        String name = "open-" + jdk + "-" + set;
        CertificateSwap swap = CertificateSwap.ofServer(pki, work.resolve(name), SERVER);
        PemFiles client = PemFiles.write(work, name + "-client", pki.spiffeIdOnly(CLIENT));
        try (ChildJvm server = startServerRequiringClientCertificates(jdk, set, swap.directory())) {
            int port = server.awaitListening();
            try (OpensslConnection old = OpensslConnection.open(port, meshCa, client.cert(), client.key())) {
                assertThat(old.get())
                        .as("before the swap\n%s\n%s", old.output(), server.output())
                        .startsWith("200 ")
                        .contains("peer=" + CLIENT + " ");
                assertThat(old.serverSerial()).contains(swap.firstSerial());

                swap.perform(server);

                assertThat(server.stderr())
                        .as("the session caches and ticket keys were reached")
                        .doesNotContain(OpenSslContexts.UNSUPPORTED_NETTY);
                assertThat(serverSerial("https://127.0.0.1:" + port + "/", client))
                        .as("a new connection after the swap\n%s", server.stderr())
                        .isEqualTo(swap.secondSerial().toString(16));
                assertThat(old.get())
                        .as("the connection opened before the swap\n%s\n%s", old.output(), server.output())
                        .startsWith("200 ")
                        .contains("peer=" + CLIENT + " ");
            }
        }
    }

    /**
     * mode=audit: a client without a certificate is admitted by a server built from the mounted files (the engine
     * stays OpenSSL, no JSSE hook sees it), and reported once as strict would have refused it.
     */
    @ParameterizedTest(name = "{0} Netty {1}")
    @MethodSource("jdksAndVersions")
    void serverFromTheMountedFilesAdmitsAndReportsClientsWithoutCertificateInAuditMode(Jdk jdk, String set) {
        String name = "server-audit-" + jdk + "-" + set;
        PemFiles client = PemFiles.write(work, name + "-client", pki.spiffeIdOnly(CLIENT));
        try (ChildJvm server = startServerWithoutClientAuth(jdk, set, name, "audit")) {
            String url = "https://127.0.0.1:" + server.awaitListening() + "/";

            assertServesMeshClient(url, client, server);
            Curl.Result none = Curl.getWithoutClientCertificate(url, meshCa);
            assertThat(none.body())
                    .as("client without a certificate\n%s\n%s", none, server.output())
                    .contains("hello from netty-openssl peer=none ");
            server.awaitStderrLine(NO_CERTIFICATE_ADMITTED, PICK_UP);
            assertThat(AgentLines.count(server.stderr(), NO_CERTIFICATE_ADMITTED))
                    .as("audit lines for the client without a certificate\n%s", server.stderr())
                    .isEqualTo(1);
        }
    }

    /** A mesh client (curl) is served over Netty's OpenSSL engine and seen by its SPIFFE ID. */
    private void assertServesMeshClient(String url, PemFiles client, ChildJvm server) {
        Curl.Result mesh = Curl.get(url, meshCa, client.cert(), client.key());
        assertThat(mesh.body())
                .as("mesh client\n%s\n%s", mesh, server.output())
                .contains("peer=" + CLIENT + " ")
                .contains("session=" + OPENSSL_SESSION);
    }

    /**
     * The application asked for no client certificate ({@code forServer(tls.crt, tls.key)} alone): the context's
     * key material is the mesh's, so mode=strict requires one, as it does of JSSE servers.
     */
    @ParameterizedTest(name = "{0} Netty {1}")
    @MethodSource("jdksAndVersions")
    void serverFromTheMountedFilesWithoutClientAuthRequiresClientCertificatesInStrictMode(Jdk jdk, String set) {
        String name = "server-no-client-auth-" + jdk + "-" + set;
        PemFiles client = PemFiles.write(work, name + "-client", pki.spiffeIdOnly(CLIENT));
        try (ChildJvm server = startServerWithoutClientAuth(jdk, set, name, "strict")) {
            String url = "https://127.0.0.1:" + server.awaitListening() + "/";

            assertServesMeshClient(url, client, server);
            Curl.Result none = Curl.getWithoutClientCertificate(url, meshCa);
            assertThat(none.body())
                    .as("client without a certificate\n%s\n%s", none, server.output())
                    .doesNotContain("hello from");
            assertThat(none.succeeded()).as("%s", none).isFalse();
        }
    }

    /** mode=permissive requests a client certificate of the same server: a mesh client's identity reaches the app. */
    @ParameterizedTest(name = "{0} Netty {1}")
    @MethodSource("jdksAndVersions")
    void serverFromTheMountedFilesWithoutClientAuthRequestsClientCertificatesInPermissiveMode(Jdk jdk, String set) {
        String name = "server-permissive-" + jdk + "-" + set;
        PemFiles client = PemFiles.write(work, name + "-client", pki.spiffeIdOnly(CLIENT));
        try (ChildJvm server = startServerWithoutClientAuth(jdk, set, name, "permissive")) {
            String url = "https://127.0.0.1:" + server.awaitListening() + "/";

            assertServesMeshClient(url, client, server);
        }
    }

    /** {@code forServer(tls.crt, tls.key).trustManager(ca.crt)}, client auth required, from {@code dir}, strict. */
    private ChildJvm startServerRequiringClientCertificates(Jdk jdk, String set, Path dir) {
        return ChildJvm.builder(jdk, "com.example.nettyopenssl.OpenSslServerApp")
                .classPath(LibraryVersions.classPath(work, PROGRAMS, set))
                .agent("cert-dir=" + dir + ",mode=strict")
                .args(
                        dir.resolve("tls.crt").toString(),
                        dir.resolve("tls.key").toString(),
                        dir.resolve("ca.crt").toString())
                .start();
    }

    /** {@code forServer(tls.crt, tls.key)} from a fresh mounted volume, no client auth asked, under {@code mode}. */
    private ChildJvm startServerWithoutClientAuth(Jdk jdk, String set, String name, String mode) {
        Path dir = TestPki.volume(work.resolve(name), pki.leaf(SERVER), pki.bundle(), null)
                .directory();
        return ChildJvm.builder(jdk, "com.example.nettyopenssl.OpenSslServerApp")
                .classPath(LibraryVersions.classPath(work, PROGRAMS, set))
                .agent("cert-dir=" + dir + ",mode=" + mode)
                .args(dir.resolve("tls.crt").toString(), dir.resolve("tls.key").toString())
                .start();
    }

    @ParameterizedTest(name = "{0} Netty {1}")
    @MethodSource("jdksAndVersions")
    void clientWithNettysDefaultsPresentsTheWorkloadCertificateAndRefusesForeignServers(Jdk jdk, String set) {
        CertificateSwap swap = CertificateSwap.ofClient(pki, work.resolve("client-" + jdk + "-" + set), CLIENT);
        try (ChildJvm client = ChildJvm.builder(jdk, "com.example.nettyopenssl.OpenSslClientApp")
                .classPath(LibraryVersions.classPath(work, PROGRAMS, set))
                .agent("cert-dir=" + swap.directory())
                .start()) {
            String result = client.request(nginx.mesh().url());
            assertThat(result)
                    .as("Netty %s\n%s", LibraryVersions.version(set), client.output())
                    .contains("session=" + OPENSSL_SESSION);
            NginxReport report = NginxReport.parse(result);
            assertThat(report.verify())
                    .as("nginx $ssl_client_verify (%s)", report)
                    .isEqualTo("SUCCESS");
            assertThat(report.serial()).contains(swap.firstSerial());
            assertThat(report.clientSpiffeId()).contains(CLIENT);

            assertThat(client.request(nginx.foreign().url()))
                    .as("server of a foreign CA\n%s", client.output())
                    .startsWith("FAIL");

            swap.perform(client);
            assertThat(NginxReport.parse(client.request(nginx.mesh().url())).serial())
                    .as("a new connection after the swap\n%s", client.output())
                    .contains(swap.secondSerial());
        }
    }

    private String serverSerial(String url, PemFiles client) {
        Curl.Result result = Curl.getReportingServerCertificate(url, meshCa, client.cert(), client.key());
        assertThat(result.body()).as("%s", result).startsWith("status=200");
        return result.serverSerial().map(serial -> serial.toString(16)).orElse("none");
    }
}
