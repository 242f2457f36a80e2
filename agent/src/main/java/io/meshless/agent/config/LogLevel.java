package io.meshless.agent.config;

import java.util.Locale;

/** Threshold of the agent's own stderr log. */
public enum LogLevel {
    TRACE,
    DEBUG,
    INFO,
    WARN,
    ERROR,
    OFF;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean allows(LogLevel messageLevel) {
        return this != OFF && messageLevel.ordinal() >= ordinal();
    }

    public static LogLevel parse(String value) {
        for (LogLevel l : values()) {
            if (l.value().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return l;
            }
        }
        return null;
    }
}
