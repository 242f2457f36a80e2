package io.meshless.agent.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.agent.tls.MountedMaterialAdoption;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.SpiffeId;
import io.meshless.pki.TrustBundle;
import io.meshless.testing.PemFiles;
import io.meshless.testing.SecretVolume;
import io.meshless.testing.TestPki;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * What every server configured from the mounted files, the way its users configure it, must do under
 * the agent: the agent adopts the material, so a mesh client is served and seen by its SPIFFE ID,
 * clients without a certificate, from a foreign CA or outside {@code allowed-peers} are refused, and
 * after a kubelet {@code ..data} swap a new connection gets the new certificate while a connection
 * opened before keeps working. A subclass starts its framework; the real curl and openssl are the clients.
 */
public abstract class MountedFilesServerContract {
    private static final SpiffeId SERVER = TestPki.id("shop", "orders");
    private static final SpiffeId CLIENT = TestPki.id("shop", "checkout");
    /** Chains to the mesh bundle but is outside allowed-peers: only the agent's trust manager refuses it. */
    private static final SpiffeId OUTSIDER = TestPki.id("billing", "ledger");

    private static final String AGENT_POLICY = "mode=strict,allowed-peers=spiffe://cluster.local/ns/shop/*";
    private static final Duration PICK_UP_BOUND = Duration.ofSeconds(30);

    @TempDir
    static Path work;

    /** The mounted certificate directory and the material in it when the server starts. */
    protected static final class Mounted {
        private final Path directory;
        private final HeldCertificate identity;
        private final TrustBundle bundle;
        private final Path work;

        Mounted(Path directory, HeldCertificate identity, TrustBundle bundle, Path work) {
            this.directory = directory;
            this.identity = identity;
            this.bundle = bundle;
            this.work = work;
        }

        /** The cert dir (tls.crt, tls.key, ca.crt through {@code ..data}), as the agent and the app see it. */
        public Path directory() {
            return directory;
        }

        public Path file(String name) {
            return directory.resolve(name);
        }

        /** What tls.crt and tls.key hold now, for servers that convert them (a PKCS#12 made at start). */
        public HeldCertificate identity() {
            return identity;
        }

        public TrustBundle bundle() {
            return bundle;
        }

        /** A scratch directory of this server's own. */
        public Path work() {
            return work;
        }
    }

    /**
     * On a subclass: run the contract against the oldest and the newest release of {@code library} (the sets
     * {@code <library>-oldest} and {@code -newest} of {@link LibraryVersions#at}{@code (properties)}) on each JDK,
     * instead of once per JDK with the test class path.
     */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    public @interface Releases {
        String properties();

        String library();
    }

    /**
     * Starts the server configured from {@code mounted}'s files by its own settings, under the agent with
     * {@code agentArgs}; it prints {@code LISTENING <port>} and answers every GET with {@code hello from
     * <server> peer=<client SPIFFE ID> ...}.
     *
     * @param release the library set to run with ({@link Releases}), empty for the test class path
     */
    protected abstract ChildJvm start(Jdk jdk, String release, Mounted mounted, String agentArgs);

    @ParameterizedTest(name = "{0} {1}")
    @ArgumentsSource(Cases.class)
    void adoptsTheMountedFilesSoMeshPolicyAndRotationReachTheServer(Jdk jdk, String release) {
        TestPki pki = TestPki.create();
        HeldCertificate first = pki.leaf(SERVER);
        HeldCertificate second = pki.leaf(SERVER);
        String name = getClass().getSimpleName() + "-" + jdk + (release.isEmpty() ? "" : "-" + release);
        Path dir = work.resolve(name);
        SecretVolume volume = TestPki.volume(dir.resolve("certs"), first, pki.bundle(), null);
        Path ca = PemFiles.writeBundle(dir, "ca", pki.bundle());
        PemFiles client = PemFiles.write(dir, "client", pki.spiffeIdOnly(CLIENT));
        PemFiles outsider = PemFiles.write(dir, "outsider", pki.spiffeIdOnly(OUTSIDER));
        PemFiles foreign = PemFiles.write(dir, "foreign", pki.foreign().leaf(CLIENT));
        Mounted mounted = new Mounted(volume.directory(), first, pki.bundle(), dir);

        try (ChildJvm server = start(jdk, release, mounted, "cert-dir=" + volume.directory() + "," + AGENT_POLICY)) {
            int port = server.awaitListening();
            String url = "https://127.0.0.1:" + port + "/";

            Curl.Result mesh = Curl.get(url, ca, client.cert(), client.key());
            assertThat(mesh.succeeded())
                    .as("mesh client\n%s\n%s", mesh, server.output())
                    .isTrue();
            assertThat(mesh.body())
                    .as("the application sees the client's SPIFFE ID")
                    .contains("peer=" + CLIENT);
            Curl.Result anonymous = Curl.getWithoutClientCertificate(url, ca);
            assertThat(anonymous.succeeded())
                    .as("client without certificate: %s", anonymous)
                    .isFalse();
            Curl.Result stranger = Curl.get(url, ca, foreign.cert(), foreign.key());
            assertThat(stranger.succeeded())
                    .as("client from a foreign CA: %s", stranger)
                    .isFalse();

            try (OpensslConnection old = OpensslConnection.open(port, ca, client.cert(), client.key())) {
                assertThat(old.get()).as("before rotation\n%s", old.output()).startsWith("200 ");
                assertThat(old.serverSerial()).contains(first.certificate().getSerialNumber());

                volume.publish(TestPki.secretFiles(second, pki.bundle(), null));
                server.awaitStderrLine(AgentLines.ROTATED, PICK_UP_BOUND);

                Curl.Result fresh = Curl.getReportingServerCertificate(url, ca, client.cert(), client.key());
                assertThat(fresh.serverSerial())
                        .as("a new connection after the swap\n%s\n%s", fresh, server.output())
                        .contains(second.certificate().getSerialNumber());
                assertThat(old.get())
                        .as("the connection opened before the swap\n%s", old.output())
                        .startsWith("200 ")
                        .contains("peer=" + CLIENT);
            }

            Curl.Result outside = Curl.get(url, ca, outsider.cert(), outsider.key());
            assertThat(outside.succeeded())
                    .as("mesh client outside allowed-peers (the agent's trust manager decides): %s", outside)
                    .isFalse();
            assertThat(server.stderr())
                    .as("the agent says what it adopted")
                    .containsPattern(Pattern.quote(MountedMaterialAdoption.ADOPTED) + ".*key manager .*trust manager ");
        }
    }

    /** Each JDK with the test class path, or with each release a subclass names ({@link Releases}). */
    static final class Cases implements ArgumentsProvider {
        @Override
        public Stream<? extends Arguments> provideArguments(ExtensionContext context) {
            Releases releases = context.getRequiredTestClass().getAnnotation(Releases.class);
            if (releases == null) {
                return Jdk.both().stream().map(jdk -> Arguments.of(jdk, ""));
            }
            return LibraryVersions.at(releases.properties()).oldestAndNewest(releases.library());
        }
    }
}
