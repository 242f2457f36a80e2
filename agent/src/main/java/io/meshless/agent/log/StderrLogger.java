package io.meshless.agent.log;

import io.meshless.agent.config.LogLevel;
import java.io.PrintStream;
import java.time.Instant;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * The agent's logger: one line per event on stderr, prefixed {@code [meshless]}. It lives in the
 * agent's relocated SLF4J, so the application's logging configuration is never read or changed.
 */
final class StderrLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    private final transient StderrServiceProvider provider;
    private final String shortName;

    StderrLogger(String name, StderrServiceProvider provider) {
        this.name = name;
        this.provider = provider;
        this.shortName = name.substring(name.lastIndexOf('.') + 1);
    }

    private boolean enabled(LogLevel level) {
        return provider.threshold().allows(level);
    }

    @Override
    public boolean isTraceEnabled() {
        return enabled(LogLevel.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(LogLevel.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(LogLevel.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(LogLevel.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return enabled(LogLevel.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
            Level level, Marker marker, String messagePattern, Object[] arguments, Throwable throwable) {
        String message = MessageFormatter.basicArrayFormat(messagePattern, arguments);
        StringBuilder line = new StringBuilder(64 + message.length())
                .append(Instant.now())
                .append(" [meshless] ")
                .append(level)
                .append(' ')
                .append(shortName)
                .append(": ")
                .append(message);
        PrintStream err = System.err;
        synchronized (err) {
            err.println(line);
            if (throwable != null && provider.threshold().allows(LogLevel.DEBUG)) {
                throwable.printStackTrace(err);
            } else if (throwable != null) {
                err.println("    caused by " + throwable);
            }
        }
    }
}
