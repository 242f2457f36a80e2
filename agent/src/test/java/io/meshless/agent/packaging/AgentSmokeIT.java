package io.meshless.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshless.agent.FirstTlsUse;
import io.meshless.agent.MeshlessAgent;
import io.meshless.agent.bootstrap.AgentBootstrap;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.SpiffeId;
import io.meshless.testing.Await;
import io.meshless.testing.SecretVolume;
import io.meshless.testing.TestPki;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Starts {@code java -javaagent:meshless-agent.jar=cert-dir=...} on an unmodified program, on JDK 17 and
 * on the JDK at {@code meshless.test.jdk25}, and talks to it with a plain JDK peer in this JVM.
 */
class AgentSmokeIT {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final TestPki MESH =
            TestPki.builder().name("smoke mesh root").build();
    private static final String WORKLOAD = "spiffe://cluster.local/ns/smoke/sa/probe";
    private static final HeldCertificate PEER =
            MESH.spiffeIdOnly(SpiffeId.parse("spiffe://cluster.local/ns/smoke/sa/peer"));

    @TempDir
    Path temp;

    /**
     * A private copy of the jar: agent/target is shared with other builds, and a jar rewritten under a
     * running child JVM makes it fail with errors that have nothing to do with the agent.
     */
    private Path agentJar() throws IOException {
        Path copy = temp.resolve("meshless-agent.jar");
        if (!Files.exists(copy)) {
            Files.copy(AgentJarIT.agentJar(), copy);
        }
        return copy;
    }

    static Stream<String> javaHomes() {
        String jdk25 = System.getProperty("meshless.test.jdk25");
        assertThat(jdk25)
                .as("system property meshless.test.jdk25 (Temurin 25 home)")
                .isNotBlank();
        assertThat(Paths.get(jdk25, "bin", "java"))
                .as("java of meshless.test.jdk25")
                .isExecutable();
        return Stream.of(System.getProperty("java.home"), jdk25);
    }

    private HeldCertificate publishWorkload(SecretVolume volume) {
        HeldCertificate workload = MESH.spiffeIdOnly(SpiffeId.parse(WORKLOAD));
        MESH.publish(volume, workload);
        return workload;
    }

    private Process probe(String javaHome, Path certDir, String... args) throws IOException {
        return probeWith(javaHome, "-javaagent:" + agentJar() + "=cert-dir=" + certDir, args);
    }

    private Process probeWith(String javaHome, String agentOption, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(javaHome, "bin", "java").toString());
        if (agentOption != null) {
            command.add(agentOption);
        }
        command.add("-cp");
        command.add(Paths.get(TlsProbe.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .getPath())
                .toString());
        command.add(TlsProbe.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectError(temp.resolve("probe-stderr-" + System.nanoTime() + ".log")
                        .toFile())
                .start();
    }

    private static SSLContext peerContext(HeldCertificate identityOrNull) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("mesh", MESH.ca().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (identityOrNull != null) {
            keys.setKeyEntry("id", identityOrNull.privateKey(), new char[0], identityOrNull.chainArray());
        }
        kmf.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private static int readPort(Process process) throws IOException {
        return readPort(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)));
    }

    private static int readPort(BufferedReader out) throws IOException {
        String line = out.readLine();
        assertThat(line).as("the probe's first line").startsWith("PORT ");
        return Integer.parseInt(line.substring(5));
    }

    /** Connects as a plain JDK client and returns the server's leaf certificate and its answer. */
    private static Object[] connect(int port, HeldCertificate clientIdentityOrNull) throws Exception {
        try (SSLSocket socket =
                (SSLSocket) peerContext(clientIdentityOrNull).getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            socket.startHandshake();
            X509Certificate server = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            if (line == null) {
                throw new IOException("the server closed the connection without answering");
            }
            return new Object[] {server, line};
        }
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void defaultServerSocketPresentsWorkloadCertificateAndRequiresClientCertificate(String javaHome) throws Exception {
        SecretVolume volume = SecretVolume.at(temp.resolve("certs"));
        HeldCertificate workload = publishWorkload(volume);
        Process server = probe(javaHome, volume.directory(), "serve");
        try {
            int port = readPort(server);

            Object[] answer = connect(port, PEER);
            assertThat(((X509Certificate) answer[0]).getSerialNumber())
                    .isEqualTo(workload.certificate().getSerialNumber());
            assertThat((String) answer[1]).startsWith("peer ").contains("spiffe://cluster.local/ns/smoke/sa/peer");

            // strict (the default): a client without a certificate is refused.
            assertThatThrownBy(() -> connect(port, null)).isInstanceOf(IOException.class);
        } finally {
            stop(server);
        }
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void defaultSocketFactoryPresentsWorkloadCertificateToServers(String javaHome) throws Exception {
        SecretVolume volume = SecretVolume.at(temp.resolve("certs"));
        HeldCertificate workload = publishWorkload(volume);
        try (SSLServerSocket listener = (SSLServerSocket) peerContext(PEER)
                .getServerSocketFactory()
                .createServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(true);
            listener.setSoTimeout(60_000);
            Process client = probe(javaHome, volume.directory(), "call", String.valueOf(listener.getLocalPort()));
            try {
                X509Certificate presented;
                try (SSLSocket accepted = (SSLSocket) listener.accept()) {
                    accepted.startHandshake();
                    presented = (X509Certificate) accepted.getSession().getPeerCertificates()[0];
                    accepted.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
                    accepted.getOutputStream().flush();
                }
                assertThat(presented.getSerialNumber())
                        .isEqualTo(workload.certificate().getSerialNumber());
                assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
                String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(output)
                        .contains(
                                "SERVER " + PEER.certificate().getSerialNumber().toString(16))
                        .contains("LINE hello");
                assertThat(client.exitValue()).isZero();
            } finally {
                stop(client);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void picksUpAKubeletStyleRotationWithoutRestart(String javaHome) throws Exception {
        SecretVolume volume = new SecretVolume(temp.resolve("certs"), CLOCK);
        HeldCertificate first = publishWorkload(volume);
        Process server = probe(javaHome, volume.directory(), "serve");
        try {
            int port = readPort(server);
            assertThat(((X509Certificate) connect(port, PEER)[0]).getSerialNumber())
                    .isEqualTo(first.certificate().getSerialNumber());

            HeldCertificate second =
                    publishWorkload(new SecretVolume(volume.directory(), Clock.offset(CLOCK, Duration.ofSeconds(5))));

            // Bounded wait for the watcher (file events, 2 s polling fallback); no timing is asserted.
            Await.atMost(Duration.ofSeconds(15))
                    .every(Duration.ofMillis(250))
                    .until("the probe presents the rotated certificate", () -> ((X509Certificate)
                                    connect(port, PEER)[0])
                            .getSerialNumber()
                            .equals(second.certificate().getSerialNumber()));
        } finally {
            stop(server);
        }
        String log = Files.readString(Files.list(temp)
                .filter(p -> p.getFileName().toString().startsWith("probe-stderr"))
                .findFirst()
                .orElseThrow());
        assertThat(log).contains(MeshlessAgent.ROTATED + " identity " + WORKLOAD);
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void attachingToARunningJvmReplacesItsAlreadyUsedDefault(String javaHome) throws Exception {
        SecretVolume volume = SecretVolume.at(temp.resolve("certs"));
        HeldCertificate workload = publishWorkload(volume);
        Process server = probeWith(javaHome, "-Djdk.attach.allowAttachSelf=false", "serve-after-attach");
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).startsWith("DEFAULT ");

            com.sun.tools.attach.VirtualMachine vm =
                    com.sun.tools.attach.VirtualMachine.attach(String.valueOf(server.pid()));
            try {
                vm.loadAgent(agentJar().toString(), "cert-dir=" + volume.directory());
            } finally {
                vm.detach();
            }
            server.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
            server.getOutputStream().flush();
            int port = readPort(out);

            assertThat(((X509Certificate) connect(port, PEER)[0]).getSerialNumber())
                    .isEqualTo(workload.certificate().getSerialNumber());
        } finally {
            stop(server);
        }
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void badConfigurationIsReportedAndTheApplicationRunsWithoutTheAgent(String javaHome) throws Exception {
        Path stderr = temp.resolve("bad-config-stderr.log");
        Process probe = new ProcessBuilder(
                        Paths.get(javaHome, "bin", "java").toString(),
                        "-javaagent:" + agentJar() + "=mode=lenient",
                        "-cp",
                        Paths.get(TlsProbe.class
                                        .getProtectionDomain()
                                        .getCodeSource()
                                        .getLocation()
                                        .getPath())
                                .toString(),
                        TlsProbe.class.getName(),
                        "serve")
                .redirectError(stderr.toFile())
                .start();
        try {
            assertThat(readPort(probe)).isPositive();
        } finally {
            stop(probe);
        }
        assertThat(Files.readString(stderr))
                .contains(FirstTlsUse.CONFIGURATION_ERROR + ": mode = 'lenient' from agent"
                        + " argument is not valid; expected one of strict, permissive, audit, off");
    }

    /** The probe's classes as a jar: class-data sharing archives application classes from jars only. */
    private Path probeJar() throws IOException {
        Path jar = temp.resolve("probe.jar");
        Path classes = Paths.get(TlsProbe.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .getPath());
        String prefix = TlsProbe.class.getName().replace('.', '/');
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes.resolve(prefix).getParent())) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = classes.relativize(file).toString().replace('\\', '/');
                if (name.equals(prefix + ".class") || name.startsWith(prefix + "$")) {
                    out.putNextEntry(new java.util.jar.JarEntry(name));
                    out.write(Files.readAllBytes(file));
                    out.closeEntry();
                }
            }
        }
        return jar;
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void theStatusMBeanIsThereWhetherTheApplicationUsedJmxBeforeOrAfterItsFirstTlsUse(String javaHome)
            throws Exception {
        SecretVolume volume = SecretVolume.at(temp.resolve("certs"));
        publishWorkload(volume);
        Path jar = probeJar();
        for (String order : List.of("jmx-first", "runtime-first", "tls-first")) {
            String stdout = runProbe(
                    javaHome,
                    jar,
                    List.of("status-mbean", order),
                    "-javaagent:" + agentJar() + "=cert-dir=" + volume.directory())[0];
            assertThat(stdout).as(order).containsPattern("SELF-CALL TLSv1\\.[23] hello");
            assertThat(stdout).as(order).contains("MBEAN " + WORKLOAD);
            // The agent creates no platform MBeanServer of its own (a runtime MXBean alone needs none).
            assertThat(stdout)
                    .as(order)
                    .contains("PLATFORM-SERVER " + (order.equals("jmx-first") ? "present" : "absent"));
        }
    }

    /** Runs {@code TlsProbe self-call} to its end; returns stdout and stderr. */
    private String[] runSelfCall(String javaHome, Path probeJar, String... jvmOptions) throws Exception {
        return runProbe(javaHome, probeJar, List.of("self-call"), jvmOptions);
    }

    /** Runs {@code TlsProbe} with {@code arguments} to its end; returns stdout and stderr. */
    private String[] runProbe(String javaHome, Path probeJar, List<String> arguments, String... jvmOptions)
            throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(javaHome, "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.add("-cp");
        command.add(probeJar.toString());
        command.add(TlsProbe.class.getName());
        command.addAll(arguments);
        Path stderr = temp.resolve("probe-stderr-" + System.nanoTime() + ".log");
        Process program =
                new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        String stdout = new String(program.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(program.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(stderr);
        assertThat(program.exitValue()).as("exit value\n%s\n%s", stdout, err).isZero();
        return new String[] {stdout, err};
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void aTlsProgramGetsNoJvmWarningKeepsClassDataSharingAndTheBridgeInTheBootLoader(String javaHome) throws Exception {
        SecretVolume volume = SecretVolume.at(temp.resolve("certs"));
        publishWorkload(volume);
        Path jar = probeJar();
        // The application's own class-data sharing archive, made without the agent, as a user would.
        Path archive = temp.resolve("probe.jsa");
        runSelfCall(javaHome, jar, "-XX:ArchiveClassesAtExit=" + archive);
        assertThat(archive).isRegularFile();

        String[] run = runSelfCall(
                javaHome,
                jar,
                "-XX:SharedArchiveFile=" + archive,
                "-Xshare:auto",
                "-Xlog:class+load=info:stdout",
                "-javaagent:" + agentJar() + "=cert-dir=" + volume.directory());
        String stdout = run[0];
        String stderr = run[1];

        assertThat(stdout).as("a handshake under the agent").containsPattern("SELF-CALL TLSv1\\.[23] hello");
        // JDK 24+ warns on stderr for sun.misc.Unsafe (and other terminally deprecated or restricted
        // calls), HotSpot itself as "... VM warning: ..." (JDK 17 does so for an appended boot class path);
        // the agent must never be the reason an application's stderr changes.
        assertThat(stderr.lines().filter(line -> line.startsWith("WARNING:") || line.contains("VM warning:")))
                .as("JVM warnings on stderr:\n%s", stderr)
                .isEmpty();
        assertThat(stdout).contains("BRIDGE bootstrap");
        // How the bridge got there must not open java.base's internals to the application's classes.
        assertThat(stdout).contains("INTERNALS closed");
        // Nor leave system properties behind.
        assertThat(stdout).contains("PROPERTIES none");
        // The first TLS use's cost: a PKCS#8 key and PEM certificates are read by the JDK alone (Bouncy
        // Castle's parsers and its provider never load; the verifier still looks at a few ASN.1 types named in
        // the readers' rare-format paths), and the hooks are woven with the plain ASM that Byte Buddy carries:
        // none of Byte Buddy's own machinery (AgentBuilder, Advice, type descriptions, pools) loads.
        assertThat(stdout)
                .doesNotContain("io.meshless.shaded.org.bouncycastle.jce.provider.")
                .doesNotContain("io.meshless.shaded.org.bouncycastle.asn1.pkcs.")
                .doesNotContain("io.meshless.shaded.org.bouncycastle.asn1.x509.")
                .doesNotContain("io.meshless.shaded.net.bytebuddy.asm.Advice")
                .doesNotContain("io.meshless.shaded.net.bytebuddy.description.")
                .doesNotContainPattern("io\\.meshless\\.shaded\\.net\\.bytebuddy\\.(?!jar\\.asm\\.)");
        // The command line and its argument parser are for java -jar only.
        assertThat(stdout).doesNotContain("io.meshless.shaded.commandline.").doesNotContain("io.meshless.cli.");
        assertThat(stdout).contains("io.meshless.shaded.net.bytebuddy.jar.asm.ClassReader ");
        // Nor the platform MBeanServer (some 400 classes): the status MBean waits until someone asks for it.
        assertThat(stdout).doesNotContain("javax.management.");
        // A boot class path appended at run time turns sharing off for the application's classes: the
        // class the probe loads after its first TLS use must still come from its archive.
        assertThat(stdout.lines().filter(line -> line.contains(TlsProbe.AfterTls.class.getName() + " ")))
                .as("class loading of the class loaded after the first TLS use\n%s", stdout)
                .singleElement()
                .asString()
                .contains("source: shared objects file");
    }

    private String runNoTlsProgram(String javaHome, String agentOption, String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(javaHome, "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.add(agentOption);
        command.add("-cp");
        command.add(Paths.get(NoTlsProgram.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .getPath())
                .toString());
        command.add(NoTlsProgram.class.getName());
        Path stderr = temp.resolve("no-tls-stderr-" + System.nanoTime() + ".log");
        Process program =
                new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        String stdout = new String(program.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(program.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(program.exitValue()).isZero();
        assertThat(stdout).contains("hello");
        return stdout + Files.readString(stderr);
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void badConfigurationIsReportedAtStartUpEvenWhenTheApplicationNeverUsesTls(String javaHome) throws Exception {
        String output = runNoTlsProgram(javaHome, "-javaagent:" + agentJar() + "=mode=lenient");

        assertThat(output)
                .contains(FirstTlsUse.CONFIGURATION_ERROR + ": mode = 'lenient'"
                        + " from agent argument is not valid; expected one of strict, permissive, audit, off");
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void aJvmThatNeverUsesTlsLoadsOnlyTheTriggerAndTheConfiguration(String javaHome) throws Exception {
        String output = runNoTlsProgram(
                javaHome, "-javaagent:" + agentJar() + "=cert-dir=" + temp.resolve("no-such-dir"), "-Xlog:class+load");

        // Start-up cost: Byte Buddy, SLF4J, Bouncy Castle, pki and the TLS code wait for the first TLS use.
        assertThat(output)
                .contains("io.meshless.agent.FirstTlsUse ")
                .doesNotContain("io.meshless.shaded.")
                .doesNotContain("io.meshless.pki.")
                .doesNotContain("io.meshless.agent.MeshlessAgent")
                .doesNotContain("io.meshless.agent.tls.")
                .doesNotContainPattern("io\\.meshless\\S*\\$\\$Lambda")
                .doesNotContain("[meshless]");
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void anAgentJarMissingItsOwnClassesLeavesTheApplicationRunning(String javaHome) throws Exception {
        // AgentBootstrap calls FirstTlsUse directly (no reflection): a class that fails to load must
        // still be a message on stderr, never an exception in the application or a JVM abort.
        Path broken = temp.resolve("broken-agent.jar");
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(Files.newInputStream(agentJar()));
                java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(broken))) {
            for (java.util.zip.ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                if (!entry.getName().equals("io/meshless/agent/FirstTlsUse.class")) {
                    out.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }

        String output = runNoTlsProgram(javaHome, "-javaagent:" + broken + "=cert-dir=" + temp);

        assertThat(output)
                .contains(AgentBootstrap.NOT_INSTALLED + ":"
                        + " java.lang.NoClassDefFoundError: io/meshless/agent/FirstTlsUse");
    }
}
