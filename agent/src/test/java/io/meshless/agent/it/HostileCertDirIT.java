package io.meshless.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.agent.it.support.CapturedProcess;
import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Curl;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.it.support.SeedPki;
import io.meshless.pki.reload.WatchedCertDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A cert dir holding what no certificate file is (a named pipe, a link to /dev/zero) or a chain PKIX
 * peers refuse (pathLenConstraint): the application starts, the set is refused with a reason naming
 * the file, TLS fails closed, and a good set published later is still loaded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileCertDirIT {
    private static final Duration LOG_WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path work;

    private SeedPki pki;

    @BeforeAll
    void makeCertificates() {
        pki = new SeedPki(work.resolve("pki"));
        pki.rootCa("ca", "Hostile Test Root");
        pki.leaf("server", "/CN=localhost", "ca");
        pki.leaf("client", "/CN=client.mybank.com", "ca");
        pki.intermediateCa("inter1", "Inter One", "ca", 0);
        pki.intermediateCa("inter2", "Inter Two", "inter1", null);
        pki.leaf("deep", "/CN=localhost", "inter2");
        pki.concatenate("deep-chain", "deep", "inter2", "inter1");
    }

    /** What is wrong with the cert dir, and the reason the agent must give, naming the file. */
    enum Hostile {
        NAMED_PIPE("tls.crt: is a named pipe (FIFO), not a regular file"),
        DEV_ZERO("tls.crt: is a character device, not a regular file; refusing to read it (it resolves to /dev/zero)"),
        PATH_LEN_VIOLATED("tls.crt: certificate #3 (CN=Inter One): has pathLenConstraint 0 but 1 CA certificate(s)");

        final String reason;

        Hostile(String reason) {
            this.reason = reason;
        }
    }

    static List<org.junit.jupiter.params.provider.Arguments> cases() {
        List<org.junit.jupiter.params.provider.Arguments> all = new java.util.ArrayList<>();
        for (Jdk jdk : Jdk.both()) {
            for (Hostile h : Hostile.values()) {
                all.add(org.junit.jupiter.params.provider.Arguments.of(jdk, h));
            }
        }
        return all;
    }

    private Path hostileDir(Jdk jdk, Hostile hostile) throws Exception {
        Path dir = pki.certDir("certs-" + jdk.name() + "-" + hostile, "server", "ca", null);
        Path crt = dir.resolve("tls.crt");
        switch (hostile) {
            case NAMED_PIPE:
                Files.delete(crt);
                try (CapturedProcess mkfifo =
                        CapturedProcess.start("mkfifo", List.of("mkfifo", crt.toString()), null)) {
                    assertThat(mkfifo.awaitExit(Duration.ofSeconds(10))).isZero();
                }
                break;
            case DEV_ZERO:
                Files.delete(crt);
                Files.createSymbolicLink(crt, Path.of("/dev/zero"));
                break;
            case PATH_LEN_VIOLATED:
                Files.copy(pki.crt("deep-chain"), crt, StandardCopyOption.REPLACE_EXISTING);
                Files.copy(pki.key("deep-chain"), dir.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING);
                break;
            default:
                throw new AssertionError(hostile);
        }
        return dir;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void refusesTheSetNamingTheFileFailsClosedAndStillLoadsTheNextGoodSet(Jdk jdk, Hostile hostile) throws Exception {
        Path dir = hostileDir(jdk, hostile);
        try (ChildJvm server = ServerProgram.HTTPS_SERVER.start(jdk, "cert-dir=" + dir)) {
            // The application is not held up in SSLContext.getDefault() by a read that never returns.
            String url = "https://localhost:" + server.awaitListening() + "/";
            server.awaitStderrLine(
                    Pattern.compile(".*WARN .*" + Pattern.quote(WatchedCertDirectory.REFUSED_SET) + " .*"
                            + Pattern.quote(dir + "/" + hostile.reason) + ".*"),
                    LOG_WAIT);
            Curl.Result refused = Curl.get(url, pki.crt("ca"), pki.crt("client"), pki.key("client"));
            assertThat(refused.succeeded()).as("TLS fails closed: %s", refused).isFalse();

            replaceWithGoodSet(dir);
            server.awaitStderrLine(
                    Pattern.compile(".*" + Pattern.quote(WatchedCertDirectory.LOADED_SET + " " + dir) + ".*"),
                    LOG_WAIT);
            Curl.Result served = Curl.get(url, pki.crt("ca"), pki.crt("client"), pki.key("client"));
            assertThat(served.succeeded())
                    .as("the good set is served: %s\n%s", served, server.output())
                    .isTrue();
            if (hostile != Hostile.PATH_LEN_VIOLATED) { // there the key changes too: a mismatch may be seen between
                assertThat(server.stderr()).containsOnlyOnce(WatchedCertDirectory.REFUSED_SET);
            }
        }
    }

    /** Puts regular files back by rename, as an atomic writer would. */
    private void replaceWithGoodSet(Path dir) throws IOException {
        Path crt = dir.resolve("tls.crt.new");
        Path key = dir.resolve("tls.key.new");
        Files.copy(pki.crt("server"), crt);
        Files.copy(pki.key("server"), key);
        Files.move(key, dir.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(crt, dir.resolve("tls.crt"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
