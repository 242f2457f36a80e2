package io.meshless.examples.ingress;

import io.meshless.examples.HelloServer;
import io.meshless.testing.Await;
import io.meshless.testing.ReportedPort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The unmodified example service ({@link HelloServer}: the JDK's HttpsServer on
 * {@code SSLContext.getDefault()}) in its own JVM under the built agent jar, reading its
 * certificate from a kubelet-style Secret volume, as in an injected pod. It binds port 0 and
 * logs the port; the agent's refusal lines land in the same log.
 */
final class MeshedBackend implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("hello-server listening on https://\\S+:(\\d+)/");
    private static final Duration START_BOUND = Duration.ofSeconds(120);

    private final Process process;
    private final Path log;
    private final int port;

    private MeshedBackend(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** @param agentArguments e.g. {@code cert-dir=/x,mode=strict,allowed-peers=spiffe://...} */
    static MeshedBackend start(JavaHome java, String agentArguments, Path log) {
        ProcessBuilder builder = new ProcessBuilder(List.of(
                        java.executable().toString(),
                        "-XX:+UseSerialGC",
                        "-javaagent:" + agentJar() + "=" + agentArguments,
                        "-cp",
                        System.getProperty("meshless.examples.classpath"),
                        HelloServer.class.getName()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("PORT", "0");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + java, e);
        }
        try {
            return new MeshedBackend(process, log, ReportedPort.in(log, LISTENING, await(process, log, START_BOUND)));
        } catch (RuntimeException | AssertionError e) {
            process.destroyForcibly();
            throw e;
        }
    }

    int port() {
        return port;
    }

    /** Everything the app and the agent printed so far. */
    String log() {
        return read(log);
    }

    /** Waits until a line of the log matches {@code line} (the agent logs a refusal after the handshake failed). */
    void awaitLogged(String what, Pattern line) {
        await(process, log, Duration.ofSeconds(30))
                .until(what + " (/" + line + "/) in " + log, () -> line.matcher(log())
                        .find());
    }

    private static Await await(Process process, Path log, Duration bound) {
        return Await.atMost(bound).every(Duration.ofMillis(100)).whileAlive(process, () -> read(log));
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path agentJar() {
        Path jar = Path.of(System.getProperty("meshless.agent.jar", "../agent/target/meshless-agent.jar"))
                .toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("agent jar " + jar + " does not exist: build the agent module first (package)");
        }
        return jar;
    }

    @Override
    public void close() {
        ChildProcesses.stop(process);
    }
}
