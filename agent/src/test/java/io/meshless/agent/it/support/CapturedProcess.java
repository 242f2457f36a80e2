package io.meshless.agent.it.support;

import io.meshless.testing.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child process whose stdout and stderr are captured line by line. Closing it always destroys
 * the process (and its descendants); every failure message carries the captured output.
 */
public final class CapturedProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final List<String> stdout = new ArrayList<>();
    private final List<String> stderr = new ArrayList<>();
    private final Writer stdin;
    private final List<Thread> pumps = new ArrayList<>();
    private int consumed;
    private int consumedStderr;

    private CapturedProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        pump(process.getInputStream(), stdout, name + "-stdout");
        pump(process.getErrorStream(), stderr, name + "-stderr");
    }

    public static CapturedProcess start(String name, List<String> command, Path workDir) {
        String binary = command.get(0);
        if (!binary.contains("/")) {
            command = new ArrayList<>(command);
            command.set(0, Binaries.require(binary).toString());
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        try {
            return new CapturedProcess(name, builder.start());
        } catch (IOException e) {
            throw new AssertionError(name + ": cannot start " + command, e);
        }
    }

    private void pump(InputStream in, List<String> sink, String threadName) {
        Thread thread = new Thread(
                () -> {
                    try (BufferedReader reader =
                            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = reader.readLine()) != null) {
                            synchronized (this) {
                                sink.add(line);
                            }
                        }
                    } catch (IOException ignored) {
                        // the process was destroyed; what was read so far stays available
                    }
                },
                threadName);
        thread.setDaemon(true);
        pumps.add(thread);
        thread.start();
    }

    /** Sends one line to the child's stdin. */
    public void send(String line) {
        try {
            stdin.write(line);
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            throw new AssertionError(name + ": cannot write to stdin: " + e + "\n" + output());
        }
    }

    /** Closes the child's stdin: programs that read commands from it then finish by themselves. */
    public void closeStdin() {
        try {
            stdin.close();
        } catch (IOException e) {
            throw new AssertionError(name + ": cannot close stdin: " + e + "\n" + output());
        }
    }

    /**
     * Waits for the next stdout line (after the ones already returned) matching {@code pattern};
     * fails with the full output if the process exits or the timeout passes first.
     */
    public Matcher awaitLine(Pattern pattern, Duration timeout) {
        return awaitLine(stdout, true, pattern, timeout);
    }

    /** Like {@link #awaitLine} for stderr (log lines of the agent). */
    public Matcher awaitStderrLine(Pattern pattern, Duration timeout) {
        return awaitLine(stderr, false, pattern, timeout);
    }

    private Matcher awaitLine(List<String> lines, boolean isStdout, Pattern pattern, Duration timeout) {
        String stream = isStdout ? "stdout" : "stderr";
        return Await.atMost(timeout)
                .describedBy(this::output)
                .untilPresent(name + ": a " + stream + " line matching " + pattern, () -> {
                    if (process.isAlive()) {
                        return nextMatch(lines, isStdout, pattern);
                    }
                    // what the process wrote before it exited is still in the pipes until the pumps end
                    drainPumps();
                    Matcher matcher = nextMatch(lines, isStdout, pattern);
                    if (matcher == null) {
                        throw new AssertionError(name + " exited (code " + process.exitValue()
                                + ") while waiting for a " + stream + " line matching " + pattern + "\n" + output());
                    }
                    return matcher;
                });
    }

    /** The first line not returned before that matches, or null; every line looked at counts as returned. */
    private synchronized Matcher nextMatch(List<String> lines, boolean isStdout, Pattern pattern) {
        while (position(isStdout) < lines.size()) {
            Matcher matcher = pattern.matcher(lines.get(advance(isStdout)));
            if (matcher.matches()) {
                return matcher;
            }
        }
        return null;
    }

    private int position(boolean isStdout) {
        return isStdout ? consumed : consumedStderr;
    }

    private int advance(boolean isStdout) {
        return isStdout ? consumed++ : consumedStderr++;
    }

    /** Waits for the process to exit by itself; fails with its output if it does not. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " did not exit within " + timeout + "\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        drainPumps();
        return process.exitValue();
    }

    /** Lets the pumps read what the exited process left in its pipes: they finish when the pipes close. */
    private void drainPumps() {
        for (Thread pump : pumps) {
            try {
                pump.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Process process() {
        return process;
    }

    public synchronized String stdout() {
        return String.join("\n", stdout);
    }

    public synchronized String stderr() {
        return String.join("\n", stderr);
    }

    /** Everything the process wrote, for failure messages. */
    public synchronized String output() {
        return "---- " + name + " stdout ----\n" + String.join("\n", stdout) + "\n---- " + name + " stderr ----\n"
                + String.join("\n", stderr) + "\n----";
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes a text file, failing the test on I/O errors. */
    static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
