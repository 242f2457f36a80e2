package io.meshless.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The port a server in a child process bound and reported in its log. The server binds port 0 and
 * the kernel picks: no picking a free port first and releasing it, which races with every other
 * process on the machine.
 */
public final class ReportedPort {

    private ReportedPort() {}

    /**
     * Waits (with {@code await}) until a line of {@code log} matches {@code line}, whose first group
     * is the port, and returns that port.
     */
    public static int in(Path log, Pattern line, Await await) {
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(line, "line");
        String port = await.untilPresent("a line matching /" + line + "/ in " + log, () -> {
            if (!Files.exists(log)) {
                return null;
            }
            Matcher m = line.matcher(new String(Files.readAllBytes(log), StandardCharsets.UTF_8));
            return m.find() ? m.group(1) : null;
        });
        try {
            int n = Integer.parseInt(port);
            if (n < 1 || n > 65535) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new AssertionError(log + " reports \"" + port + "\", which is not a port number 1-65535");
        }
    }
}
