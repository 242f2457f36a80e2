package io.meshless.agent.config;

import java.util.Objects;

/** One resolved configuration value and the source it came from, e.g. "system property meshless.mode". */
public final class Setting {
    private final ConfigKey key;
    private final String value;
    private final String source;

    Setting(ConfigKey key, String value, String source) {
        this.key = Objects.requireNonNull(key);
        this.value = value;
        this.source = Objects.requireNonNull(source);
    }

    public ConfigKey key() {
        return key;
    }

    /** The raw value, or null for a computed default. */
    public String value() {
        return value;
    }

    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return key.key() + "=" + (value == null ? "(computed)" : value) + " (" + source + ")";
    }
}
