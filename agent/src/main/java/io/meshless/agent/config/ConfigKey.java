package io.meshless.agent.config;

import java.util.Locale;

/** The agent's configuration keys, with how each one is spelled in every source. */
public enum ConfigKey {
    CERT_DIR("cert-dir", "/var/run/meshless/certs"),
    MODE("mode", "strict"),
    ALLOWED_PEERS("allowed-peers", null),
    TRUST_SYSTEM_CAS("trust-system-cas", "true"),
    LOG_LEVEL("log-level", "info");

    private final String key;
    private final String defaultValue;

    ConfigKey(String key, String defaultValue) {
        this.key = key;
        this.defaultValue = defaultValue;
    }

    /** As written in the agent argument, e.g. {@code cert-dir}. */
    public String key() {
        return key;
    }

    /** e.g. {@code meshless.cert-dir}. */
    public String systemProperty() {
        return "meshless." + key;
    }

    /** e.g. {@code MESHLESS_CERT_DIR}. */
    public String environmentVariable() {
        return "MESHLESS_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The default, or null when the default is computed (allowed-peers: the own trust domain). */
    public String defaultValue() {
        return defaultValue;
    }

    static ConfigKey byKey(String key) {
        for (ConfigKey k : values()) {
            if (k.key.equals(key)) {
                return k;
            }
        }
        return null;
    }

    static String allKeys() {
        StringBuilder b = new StringBuilder();
        for (ConfigKey k : values()) {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(k.key);
        }
        return b.toString();
    }
}
