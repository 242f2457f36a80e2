package io.meshless.agent.log;

import io.meshless.agent.config.LogLevel;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The agent's own SLF4J binding, found by the relocated SLF4J through its relocated service file.
 * The threshold is set once the configuration is known ({@code log-level}).
 */
public final class StderrServiceProvider implements SLF4JServiceProvider, ILoggerFactory {

    private static volatile LogLevel threshold = LogLevel.INFO;

    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new BasicMDCAdapter();

    /** Sets the level for every agent logger. */
    public static void setThreshold(LogLevel level) {
        threshold = level;
    }

    LogLevel threshold() {
        return threshold;
    }

    @Override
    public Logger getLogger(String name) {
        return loggers.computeIfAbsent(name, n -> new StderrLogger(n, this));
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return this;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // Nothing to read: the agent configuration sets the threshold.
    }
}
