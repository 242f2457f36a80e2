package io.meshless.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The own set is validated as PKIX peers validate it (pathLenConstraint of intermediates and of the
 * anchor), the own chain need not end in the bundles, and nothing but regular files is read. The
 * chains are made by the real openssl, as users make them.
 */
class OwnSetValidationTest {
    private static final Clock CLOCK = Clock.systemUTC();
    /** A guard against a hang (the FIFO case), not a timing assertion: reading takes milliseconds. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(30);

    @TempDir
    Path work;

    private void openssl(String... args) throws Exception {
        Tools.openssl(work, args);
    }

    /** A self-signed root CA, optionally with a pathLenConstraint. */
    private void root(String name, Integer pathLen) throws Exception {
        ecKeyAndRequest(
                name,
                "-x509",
                "-out",
                name + ".crt",
                "-days",
                "2",
                "-addext",
                basicConstraints(pathLen),
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign");
    }

    /** A CA signed by {@code issuer}. */
    private void intermediate(String name, String issuer, Integer pathLen) throws Exception {
        Files.writeString(
                work.resolve(name + ".ext"), basicConstraints(pathLen) + "\nkeyUsage=critical,keyCertSign,cRLSign\n");
        ecKeyAndRequest(name, "-out", name + ".csr");
        Tools.signRequest(work, name + ".csr", issuer, name + ".crt", "-extfile", name + ".ext");
    }

    /** {@code openssl req -new} for a new P-256 key ({@code name}.key) and subject CN={@code name}. */
    private void ecKeyAndRequest(String name, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "req",
                "-new",
                "-nodes",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-keyout",
                name + ".key",
                "-subj",
                "/CN=" + name));
        args.addAll(List.of(options));
        openssl(args.toArray(new String[0]));
    }

    private static String basicConstraints(Integer pathLen) {
        return "basicConstraints=critical,CA:TRUE" + (pathLen == null ? "" : ",pathlen:" + pathLen);
    }

    /** A leaf as the usual mTLS guides make it: genrsa, no extension file, CN only. */
    private void leaf(String name, String issuer) throws Exception {
        openssl("genrsa", "-out", name + ".key", "2048");
        openssl("req", "-new", "-key", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
        Tools.signRequest(work, name + ".csr", issuer, name + ".crt");
    }

    /** A cert dir: tls.crt = the given certificates concatenated, tls.key, ca.crt. */
    private Path certDir(String leafName, String caFile, String... chain) throws Exception {
        Path dir = Files.createDirectories(work.resolve("certs-" + leafName + "-" + caFile));
        StringBuilder pem = new StringBuilder(Files.readString(work.resolve(leafName + ".crt")));
        for (String c : chain) {
            pem.append(Files.readString(work.resolve(c + ".crt")));
        }
        Files.writeString(dir.resolve(CertDirectory.TLS_CRT), pem);
        Files.copy(work.resolve(leafName + ".key"), dir.resolve(CertDirectory.TLS_KEY));
        Files.copy(work.resolve(caFile + ".crt"), dir.resolve(CertDirectory.CA_CRT));
        return dir;
    }

    @Test
    void refusesIntermediateViolatingPathLenConstraint() throws Exception {
        root("root", null);
        intermediate("inter1", "root", 0);
        intermediate("inter2", "inter1", null);
        leaf("leaf", "inter2");

        assertThatThrownBy(() -> CertDirectory.load(certDir("leaf", "root", "inter2", "inter1"), CLOCK))
                .isInstanceOf(PkiException.class)
                .hasMessageContaining("tls.crt: certificate #3 (CN=inter1)")
                .hasMessageContaining("has pathLenConstraint 0 but 1 CA certificate(s) come between it and the leaf");
    }

    @Test
    void refusesChainUnderRootWhosePathLenZeroForbidsTheIntermediate() throws Exception {
        root("root", 0);
        intermediate("inter", "root", null);
        leaf("leaf", "inter");

        assertThatThrownBy(() -> CertDirectory.load(certDir("leaf", "root", "inter"), CLOCK))
                .isInstanceOf(PkiException.class)
                .hasMessageContaining("ca.crt: trust bundle CA CN=root: has pathLenConstraint 0 but 1 CA");
    }

    @Test
    void loadsChainsThatKeepTheirPathLenConstraints() throws Exception {
        root("root", 1);
        intermediate("inter", "root", 0);
        leaf("leaf", "inter");

        WorkloadCredentials loaded = CertDirectory.load(certDir("leaf", "root", "inter"), CLOCK);

        assertThat(loaded.identity().chain()).hasSize(2);
        assertThat(loaded.bundlesHoldOwnIssuer()).isTrue();
    }

    @Test
    void loadsOwnChainFromACaNeitherBundleHolds() throws Exception {
        root("internal", null);
        root("public", null);
        leaf("client.mybank.com", "internal");

        WorkloadCredentials loaded = CertDirectory.load(certDir("client.mybank.com", "public"), CLOCK);

        assertThat(loaded.bundlesHoldOwnIssuer()).isFalse();
        assertThat(loaded.identity().certificate().getSubjectX500Principal().getName())
                .isEqualTo("CN=client.mybank.com");
    }

    private Path goodSet() throws Exception {
        root("root", null);
        leaf("leaf", "root");
        return certDir("leaf", "root");
    }

    @Test
    void refusesANamedPipeWithoutBlocking() throws Exception {
        Path dir = goodSet();
        Files.delete(dir.resolve(CertDirectory.TLS_CRT));
        Tools.run(work, "mkfifo", dir.resolve(CertDirectory.TLS_CRT).toString());

        assertTimeoutPreemptively(HANG_GUARD, () -> assertThatThrownBy(() -> CertDirectory.load(dir, CLOCK))
                .isInstanceOf(PkiException.class)
                .hasMessage(dir.resolve(CertDirectory.TLS_CRT)
                        + ": is a named pipe (FIFO), not a regular file; refusing to read it"));
    }

    @Test
    void refusesASymbolicLinkToDevZeroWithoutReadingIt() throws Exception {
        Path dir = goodSet();
        Files.delete(dir.resolve(CertDirectory.TLS_CRT));
        Files.createSymbolicLink(dir.resolve(CertDirectory.TLS_CRT), Paths.get("/dev/zero"));

        assertTimeoutPreemptively(HANG_GUARD, () -> assertThatThrownBy(() -> CertDirectory.load(dir, CLOCK))
                .isInstanceOf(PkiException.class)
                .hasMessage(dir.resolve(CertDirectory.TLS_CRT)
                        + ": is a character device, not a regular file; refusing to read it (it resolves to"
                        + " /dev/zero)"));
    }

    @Test
    void refusesAnOversizedFileByItsSize() throws Exception {
        Path dir = goodSet();
        try (RandomAccessFile huge =
                new RandomAccessFile(dir.resolve(CertDirectory.CA_CRT).toFile(), "rw")) {
            huge.setLength(50L * 1024 * 1024); // sparse: no disk used
        }

        assertThatThrownBy(() -> CertDirectory.load(dir, CLOCK))
                .isInstanceOf(PkiException.class)
                .hasMessageContaining(dir.resolve(CertDirectory.CA_CRT) + ": file is 52428800 bytes, larger than");
    }
}
