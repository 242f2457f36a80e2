package io.meshless.agent.it.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An unmodified sample program (package {@code io.meshless.agent.apps}) in its own JVM, normally
 * with the built agent jar as {@code -javaagent}. Programs talk a line protocol: servers print
 * {@code LISTENING <port>}, clients read one URL per stdin line and print {@code RESULT ...}.
 */
public final class ChildJvm implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("LISTENING (\\d+)");
    private static final Pattern RESULT = Pattern.compile("RESULT (.*)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(40);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /*
     * The child gets the test class path minus everything the agent jar carries shaded (and the
     * agent's own unshaded classes): an application under test must see only the agent jar, as
     * in production, so a missing relocation or a class the agent forgot to bundle shows up.
     */
    private static final List<String> NOT_FOR_APPLICATIONS = List.of(
            "/agent/target/classes",
            "meshless-agent",
            "meshless-pki",
            "meshless-testing",
            "bcprov-",
            "bcpkix-",
            "bcutil-",
            "byte-buddy",
            "junit-",
            "opentest4j",
            "apiguardian",
            "assertj-",
            "surefire",
            "failsafe");

    private final CapturedProcess process;

    private ChildJvm(CapturedProcess process) {
        this.process = process;
    }

    public static Builder builder(Jdk jdk, Class<?> mainClass) {
        return new Builder(jdk, mainClass.getName());
    }

    /** For a program that is not on the test class path (compiled at test time against its own libraries). */
    public static Builder builder(Jdk jdk, String mainClassName) {
        return new Builder(jdk, mainClassName);
    }

    /** The built agent jar; fails clearly when {@code package} has not produced it. */
    public static Path agentJar() {
        Path jar = Path.of(System.getProperty(
                        "meshless.agent.jar", System.getProperty("basedir", ".") + "/target/meshless-agent.jar"))
                .toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(
                    "agent jar " + jar + " does not exist: run the ITs with `mvn verify` (after package)");
        }
        return jar;
    }

    static String applicationClassPath() {
        String full = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(full.split(File.pathSeparator))
                .filter(entry -> NOT_FOR_APPLICATIONS.stream().noneMatch(entry.replace('\\', '/')::contains))
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** Waits for the server program's {@code LISTENING <port>} line. */
    public int awaitListening() {
        return Integer.parseInt(process.awaitLine(LISTENING, START_TIMEOUT).group(1));
    }

    /** Sends one command (a URL for client programs) and returns the text after {@code RESULT }. */
    public String request(String line) {
        process.send(line);
        return process.awaitLine(RESULT, REQUEST_TIMEOUT).group(1);
    }

    public Matcher awaitLine(Pattern pattern, Duration timeout) {
        return process.awaitLine(pattern, timeout);
    }

    /** Waits for a stderr line (the agent logs there) matching {@code pattern}. */
    public Matcher awaitStderrLine(Pattern pattern, Duration timeout) {
        return process.awaitStderrLine(pattern, timeout);
    }

    public void send(String line) {
        process.send(line);
    }

    public String output() {
        return process.output();
    }

    public String stderr() {
        return process.stderr();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public CapturedProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }

    public static final class Builder {
        private final Jdk jdk;
        private final String mainClass;
        private final List<String> jvmOptions = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private String agentArgs;
        private boolean withAgent = true;
        private String classPath;

        private Builder(Jdk jdk, String mainClass) {
            this.jdk = jdk;
            this.mainClass = mainClass;
        }

        /** Agent arguments, e.g. {@code cert-dir=/x,mode=strict}. */
        public Builder agent(String agentArgs) {
            this.agentArgs = agentArgs;
            this.withAgent = true;
            return this;
        }

        /** Runs the program as plain JSSE, without the agent (baselines and harness self-tests). */
        public Builder withoutAgent() {
            this.withAgent = false;
            return this;
        }

        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        /**
         * The whole class path of the program, instead of the test class path (minus what the agent
         * carries): for an application that brings its own versions of the agent's libraries.
         */
        public Builder classPath(String value) {
            this.classPath = value;
            return this;
        }

        public Builder args(String... values) {
            args.addAll(List.of(values));
            return this;
        }

        public ChildJvm start() {
            List<String> command = new ArrayList<>();
            command.add(jdk.javaExecutable().toString());
            command.add("-Xshare:auto");
            command.add("-XX:TieredStopAtLevel=1");
            command.add("-Xmx128m");
            // small, single-threaded GC: a dozen child JVMs share 2 cores with the rest of the build
            command.add("-XX:+UseSerialGC");
            if (withAgent) {
                command.add("-javaagent:" + agentJar() + (agentArgs == null ? "" : "=" + agentArgs));
            }
            command.addAll(jvmOptions);
            command.add("-cp");
            command.add(classPath != null ? classPath : applicationClassPath());
            command.add(mainClass);
            command.addAll(args);
            String simpleName = mainClass.substring(mainClass.lastIndexOf('.') + 1);
            return new ChildJvm(CapturedProcess.start(jdk + " " + simpleName, command, null));
        }
    }
}
