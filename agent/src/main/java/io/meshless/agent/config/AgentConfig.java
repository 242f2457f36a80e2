package io.meshless.agent.config;

import io.meshless.pki.PeerPolicy;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The agent's configuration, resolved from its sources, first wins:
 * <ol>
 *   <li>the agent argument, {@code -javaagent:meshless-agent.jar=key=value,key=value};</li>
 *   <li>system properties {@code meshless.<key>};</li>
 *   <li>environment variables {@code MESHLESS_<KEY>} (upper case, {@code -} becomes {@code _});</li>
 *   <li>defaults.</li>
 * </ol>
 *
 * <p>{@code allowed-peers} is itself a comma-separated list. In the agent argument a comma-separated
 * piece that does not start with a known {@code key=} continues the previous value, so
 * {@code allowed-peers=spiffe://td/ns/a/*,spiffe://td/ns/b/sa/x,mode=permissive} means what it says
 * (SPIFFE IDs never contain {@code =}; the attributes of a {@code dn:} entry are no keys of ours).
 * {@code ;} is accepted as a separator between peers too, for shells and tools that treat commas
 * specially.
 *
 * <p>Every value is validated here; a bad one raises a {@link ConfigException} naming the key, its
 * source and the allowed values. Each key remembers its source for {@code meshless status}.
 */
public final class AgentConfig {

    private final Map<ConfigKey, Setting> settings;
    private final Path certDir;
    private final Mode mode;
    private final PeerPolicy allowedPeers;
    private final boolean trustSystemCas;
    private final LogLevel logLevel;

    private AgentConfig(
            Map<ConfigKey, Setting> settings,
            Path certDir,
            Mode mode,
            PeerPolicy allowedPeers,
            boolean trustSystemCas,
            LogLevel logLevel) {
        this.settings = Collections.unmodifiableMap(new EnumMap<>(settings));
        this.certDir = certDir;
        this.mode = mode;
        this.allowedPeers = allowedPeers;
        this.trustSystemCas = trustSystemCas;
        this.logLevel = logLevel;
    }

    /**
     * Resolves from this JVM's system properties and environment. Runs in premain: no lambdas or method
     * references here (the first one bootstraps {@code java.lang.invoke}, milliseconds of start-up).
     */
    public static AgentConfig fromEnvironment(String agentArgumentOrNull) throws ConfigException {
        return resolve(agentArgumentOrNull, SystemProperties.INSTANCE, Environment.INSTANCE);
    }

    private static final class SystemProperties implements Function<String, String> {
        static final SystemProperties INSTANCE = new SystemProperties();

        @Override
        public String apply(String name) {
            return System.getProperty(name);
        }
    }

    /** One variable at a time: {@code System.getenv()} would copy the whole environment into a map. */
    private static final class Environment implements Function<String, String> {
        static final Environment INSTANCE = new Environment();

        @Override
        public String apply(String name) {
            return System.getenv(name);
        }
    }

    /**
     * Resolves the configuration.
     *
     * @param agentArgument  the text after {@code =} in {@code -javaagent:jar=...}, or null
     * @param systemProperty looks up a system property, null when unset
     * @param environment    looks up an environment variable, null when unset
     */
    public static AgentConfig resolve(
            String agentArgument, Function<String, String> systemProperty, Function<String, String> environment)
            throws ConfigException {
        Objects.requireNonNull(systemProperty);
        Objects.requireNonNull(environment);
        Map<ConfigKey, String> fromArgument = parseAgentArgument(agentArgument);
        Map<ConfigKey, Setting> settings = new EnumMap<>(ConfigKey.class);
        for (ConfigKey key : ConfigKey.values()) {
            String value = fromArgument.get(key);
            String source = "agent argument";
            if (value == null) {
                value = systemProperty.apply(key.systemProperty());
                source = "system property " + key.systemProperty();
            }
            if (value == null) {
                value = environment.apply(key.environmentVariable());
                source = "environment " + key.environmentVariable();
            }
            if (value == null) {
                value = key.defaultValue();
                source = "default";
            }
            settings.put(key, new Setting(key, value, source));
        }

        Path certDir = parseCertDir(settings.get(ConfigKey.CERT_DIR));
        Mode mode = parseMode(settings.get(ConfigKey.MODE));
        PeerPolicy allowedPeers = parseAllowedPeers(settings.get(ConfigKey.ALLOWED_PEERS));
        boolean trustSystemCas = parseBoolean(settings.get(ConfigKey.TRUST_SYSTEM_CAS));
        LogLevel logLevel = parseLogLevel(settings.get(ConfigKey.LOG_LEVEL));
        return new AgentConfig(settings, certDir, mode, allowedPeers, trustSystemCas, logLevel);
    }

    static Map<ConfigKey, String> parseAgentArgument(String argument) throws ConfigException {
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        if (argument == null || argument.trim().isEmpty()) {
            return values;
        }
        ConfigKey current = null;
        for (String piece : argument.split(",", -1)) {
            int eq = piece.indexOf('=');
            ConfigKey key = eq > 0 ? ConfigKey.byKey(piece.substring(0, eq).trim()) : null;
            if (key != null) {
                if (values.containsKey(key)) {
                    throw new ConfigException("agent argument: key '" + key.key() + "' is given twice");
                }
                values.put(key, piece.substring(eq + 1).trim());
                current = key;
            } else if (current == ConfigKey.ALLOWED_PEERS && !piece.trim().isEmpty()) {
                // A further peer of a comma-separated allowed-peers list, or the rest of a DN
                // ("dn:CN=client,O=My Bank": "O" is no key of ours).
                values.put(current, values.get(current) + "," + piece.trim());
            } else if (piece.trim().isEmpty()) {
                throw new ConfigException("agent argument '" + argument + "': empty entry between commas;"
                        + " expected key=value with key one of " + ConfigKey.allKeys());
            } else {
                String name = eq > 0 ? piece.substring(0, eq).trim() : piece.trim();
                throw new ConfigException("agent argument: unknown key '" + name
                        + "'; expected key=value with key one of " + ConfigKey.allKeys());
            }
        }
        return values;
    }

    private static Path parseCertDir(Setting s) throws ConfigException {
        if (s.value().trim().isEmpty()) {
            throw invalid(s, "a directory path");
        }
        try {
            return Paths.get(s.value().trim());
        } catch (InvalidPathException e) {
            throw invalid(s, "a directory path (" + e.getReason() + ")");
        }
    }

    private static Mode parseMode(Setting s) throws ConfigException {
        Mode mode = Mode.parse(s.value());
        if (mode == null) {
            throw invalid(s, "one of strict, permissive, audit, off");
        }
        return mode;
    }

    private static final String ALLOWED_PEERS_SYNTAX = "comma-separated entries: SPIFFE IDs or prefixes ending in /*"
            + " (spiffe://cluster.local/ns/shop/*), cn:NAME or cn:~REGEX, dn:RFC4514-DN, dns:NAME or dns:*.DOMAIN";

    private static PeerPolicy parseAllowedPeers(Setting s) throws ConfigException {
        if (s.value() == null) {
            return null;
        }
        String list = s.value().trim();
        if (list.replace(",", "").replace(";", "").trim().isEmpty()) {
            throw invalid(s, ALLOWED_PEERS_SYNTAX + " (leave the key unset for the default)");
        }
        try {
            return PeerPolicy.parse(list);
        } catch (IllegalArgumentException e) {
            throw invalid(s, ALLOWED_PEERS_SYNTAX + " (" + e.getMessage() + ")");
        }
    }

    private static boolean parseBoolean(Setting s) throws ConfigException {
        String v = s.value().trim().toLowerCase(java.util.Locale.ROOT);
        if (v.equals("true")) {
            return true;
        }
        if (v.equals("false")) {
            return false;
        }
        throw invalid(s, "true or false");
    }

    private static LogLevel parseLogLevel(Setting s) throws ConfigException {
        LogLevel level = LogLevel.parse(s.value());
        if (level == null) {
            throw invalid(s, "one of trace, debug, info, warn, error, off");
        }
        return level;
    }

    private static ConfigException invalid(Setting s, String allowed) {
        return new ConfigException(
                s.key().key() + " = '" + s.value() + "' from " + s.source() + " is not valid; expected " + allowed);
    }

    public Path certDir() {
        return certDir;
    }

    public Mode mode() {
        return mode;
    }

    /**
     * The configured peers, or empty for the default: every ID in the own trust domain when the own
     * certificate has a SPIFFE ID, else every peer that chains to the bundle.
     */
    public Optional<PeerPolicy> allowedPeers() {
        return Optional.ofNullable(allowedPeers);
    }

    public boolean trustSystemCas() {
        return trustSystemCas;
    }

    public LogLevel logLevel() {
        return logLevel;
    }

    /** Each key's value and where it came from. */
    public Map<ConfigKey, Setting> settings() {
        return settings;
    }

    public Setting setting(ConfigKey key) {
        return settings.get(key);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Setting s : settings.values()) {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(
                    s.key() == ConfigKey.ALLOWED_PEERS && s.value() == null
                            ? "allowed-peers=(own trust domain, or every peer chaining to the bundle without"
                                    + " a SPIFFE ID of our own) (default)"
                            : s.toString());
        }
        return b.toString();
    }
}
