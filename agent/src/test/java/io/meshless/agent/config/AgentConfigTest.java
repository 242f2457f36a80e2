package io.meshless.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshless.pki.SpiffeId;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentConfigTest {
    private final Map<String, String> properties = new HashMap<>();
    private final Map<String, String> environment = new HashMap<>();

    private AgentConfig resolve(String argument) throws ConfigException {
        return AgentConfig.resolve(argument, properties::get, environment::get);
    }

    @Test
    void usesDefaultsWhenNothingIsSet() throws Exception {
        AgentConfig config = resolve(null);

        assertThat(config.certDir()).isEqualTo(Paths.get("/var/run/meshless/certs"));
        assertThat(config.mode()).isEqualTo(Mode.STRICT);
        assertThat(config.allowedPeers()).isEmpty();
        assertThat(config.trustSystemCas()).isTrue();
        assertThat(config.logLevel()).isEqualTo(LogLevel.INFO);
        assertThat(config.settings().values())
                .allSatisfy(s -> assertThat(s.source()).isEqualTo("default"));
    }

    @Test
    void agentArgumentWinsOverSystemPropertyWhichWinsOverEnvironment() throws Exception {
        environment.put("MESHLESS_MODE", "off");
        environment.put("MESHLESS_CERT_DIR", "/env/certs");
        environment.put("MESHLESS_TRUST_SYSTEM_CAS", "false");
        properties.put("meshless.mode", "permissive");
        properties.put("meshless.cert-dir", "/prop/certs");

        AgentConfig config = resolve("cert-dir=/arg/certs");

        assertThat(config.certDir()).isEqualTo(Paths.get("/arg/certs"));
        assertThat(config.setting(ConfigKey.CERT_DIR).source()).isEqualTo("agent argument");
        assertThat(config.mode()).isEqualTo(Mode.PERMISSIVE);
        assertThat(config.setting(ConfigKey.MODE).source()).isEqualTo("system property meshless.mode");
        assertThat(config.trustSystemCas()).isFalse();
        assertThat(config.setting(ConfigKey.TRUST_SYSTEM_CAS).source())
                .isEqualTo("environment MESHLESS_TRUST_SYSTEM_CAS");
    }

    @Test
    void environmentNamesAreUpperCaseWithUnderscores() {
        assertThat(ConfigKey.ALLOWED_PEERS.environmentVariable()).isEqualTo("MESHLESS_ALLOWED_PEERS");
        assertThat(ConfigKey.LOG_LEVEL.systemProperty()).isEqualTo("meshless.log-level");
    }

    @Test
    void allowedPeersKeepsItsCommasInsideTheAgentArgument() throws Exception {
        AgentConfig config = resolve("allowed-peers=spiffe://cluster.local/ns/shop/*,"
                + "spiffe://cluster.local/ns/pay/sa/api,mode=permissive");

        assertThat(config.mode()).isEqualTo(Mode.PERMISSIVE);
        assertThat(config.allowedPeers()).hasValueSatisfying(p -> {
            assertThat(p.allows(SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/orders")))
                    .isTrue();
            assertThat(p.allows(SpiffeId.parse("spiffe://cluster.local/ns/pay/sa/api")))
                    .isTrue();
            assertThat(p.allows(SpiffeId.parse("spiffe://cluster.local/ns/pay/sa/other")))
                    .isFalse();
        });
    }

    @Test
    void allowedPeersKeepsTheCommasOfADistinguishedNameInsideTheAgentArgument() throws Exception {
        AgentConfig config = resolve("allowed-peers=dn:CN=client,O=My Bank,C=US,cn:~web[0-9]+,mode=permissive");

        assertThat(config.mode()).isEqualTo(Mode.PERMISSIVE);
        assertThat(config.allowedPeers()).hasValueSatisfying(p -> assertThat(p.patterns())
                .extracting(Object::toString)
                .containsExactly("dn:CN=client,O=My Bank,C=US", "cn:~web[0-9]+"));
    }

    @Test
    void refusesAMalformedAllowedPeersEntryNamingIt() {
        properties.put("meshless.allowed-peers", "cn:client.mybank.com,cn:~client[0-9");

        assertThatThrownBy(() -> resolve(null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("allowed-peers")
                .hasMessageContaining("system property meshless.allowed-peers")
                .hasMessageContaining("peer pattern 'cn:~client[0-9'");
    }

    @Test
    void allowedPeersAcceptsSemicolonsAsSeparators() throws Exception {
        AgentConfig config = resolve("allowed-peers=spiffe://td/ns/a/sa/x;spiffe://td/ns/b/sa/y");

        assertThat(config.allowedPeers())
                .hasValueSatisfying(p -> assertThat(p.allows(SpiffeId.parse("spiffe://td/ns/b/sa/y")))
                        .isTrue());
    }

    @Test
    void allowedPeersFromEnvironmentIsCommaSeparated() throws Exception {
        environment.put("MESHLESS_ALLOWED_PEERS", "spiffe://td/ns/a/sa/x, spiffe://td/ns/b/*");

        AgentConfig config = resolve("");

        assertThat(config.allowedPeers())
                .hasValueSatisfying(p -> assertThat(p.allows(SpiffeId.parse("spiffe://td/ns/b/sa/z")))
                        .isTrue());
        assertThat(config.setting(ConfigKey.ALLOWED_PEERS).source()).isEqualTo("environment MESHLESS_ALLOWED_PEERS");
    }

    @Test
    void refusesUnknownModeNamingKeySourceAndChoices() {
        properties.put("meshless.mode", "lenient");

        assertThatThrownBy(() -> resolve(null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mode")
                .hasMessageContaining("'lenient'")
                .hasMessageContaining("system property meshless.mode")
                .hasMessageContaining("strict, permissive, audit, off");
    }

    @Test
    void refusesUnknownKeyInAgentArgument() {
        assertThatThrownBy(() -> resolve("certdir=/x"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'certdir'")
                .hasMessageContaining("cert-dir, mode, allowed-peers, trust-system-cas, log-level");
    }

    @Test
    void refusesMalformedAllowedPeer() {
        assertThatThrownBy(() -> resolve("allowed-peers=http://not-spiffe/x"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("allowed-peers")
                .hasMessageContaining("agent argument")
                .hasMessageContaining("SPIFFE");
    }

    @Test
    void refusesEmptyAllowedPeers() {
        environment.put("MESHLESS_ALLOWED_PEERS", " ");

        assertThatThrownBy(() -> resolve(null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("environment MESHLESS_ALLOWED_PEERS")
                .hasMessageContaining("leave the key unset");
    }

    @Test
    void refusesNonBooleanTrustSystemCas() {
        assertThatThrownBy(() -> resolve("trust-system-cas=yes"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("trust-system-cas = 'yes'")
                .hasMessageContaining("true or false");
    }

    @Test
    void refusesKeyGivenTwice() {
        assertThatThrownBy(() -> resolve("mode=strict,mode=off"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'mode' is given twice");
    }

    @Test
    void refusesUnknownLogLevel() {
        assertThatThrownBy(() -> resolve("log-level=verbose"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("log-level")
                .hasMessageContaining("trace, debug, info, warn, error, off");
    }

    @Test
    void modeAndLogLevelIgnoreCase() throws Exception {
        AgentConfig config = resolve("mode=Permissive,log-level=DEBUG");

        assertThat(config.mode()).isEqualTo(Mode.PERMISSIVE);
        assertThat(config.logLevel()).isEqualTo(LogLevel.DEBUG);
    }
}
