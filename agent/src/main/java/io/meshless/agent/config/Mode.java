package io.meshless.agent.config;

import java.util.Locale;

/** What TLS servers in the JVM demand from clients, or {@code OFF} for no agent at all. */
public enum Mode {
    /** Servers require a client certificate that chains to the trust bundle. */
    STRICT,
    /** Servers ask for a client certificate and accept connections without one. */
    PERMISSIVE,
    /**
     * Servers ask for a client certificate and evaluate the full strict policy (chain, allowed-peers); every
     * client strict would refuse is logged and counted, then admitted: the step before switching to strict.
     */
    AUDIT,
    /** The agent installs nothing. */
    OFF;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Mode parse(String value) {
        for (Mode m : values()) {
            if (m.value().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        return null;
    }
}
