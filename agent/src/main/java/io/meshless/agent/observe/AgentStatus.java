package io.meshless.agent.observe;

import io.meshless.agent.config.AgentConfig;
import io.meshless.agent.tls.HandshakeCounts;
import io.meshless.agent.tls.RefusalLog;
import io.meshless.agent.tls.RefusalReason;
import io.meshless.pki.WorkloadCredentials;
import io.meshless.pki.reload.CredentialSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The MBean {@code io.meshless:type=Agent}: reads the agent's state when asked, so a handshake costs no more
 * than the counter increments it makes anyway.
 */
public final class AgentStatus implements AgentStatusMBean {
    /** The MBean's name; {@code meshless status --pid} and the exporter rules look for it. */
    public static final String NAME = "io.meshless:type=Agent";

    /** The attribute names, in the order {@code meshless status --pid} prints them. */
    public static final List<String> ATTRIBUTES = List.of(
            "Identity",
            "Serial",
            "NotAfter",
            "SecondsToExpiry",
            "CertDir",
            "Mode",
            "AllowedPeers",
            "Rotations",
            "LastRotation",
            "LastRotationEpochSeconds",
            "LastRefusedSet",
            "LastRefusedSetTime",
            "InboundHandshakesAccepted",
            "OutboundHandshakesAccepted",
            "RefusalsTotal",
            "RefusalsNoCertificate",
            "RefusalsUntrustedIssuer",
            "RefusalsExpired",
            "RefusalsNotYetValid",
            "RefusalsNotInAllowedPeers",
            "RefusalsHostNameMismatch",
            "RefusalsNoCredentials",
            "UncoveredContextCount",
            "UncoveredContexts");

    private final AgentConfig config;
    private final CredentialSource credentials;
    private final RefusalLog refusals;
    private final HandshakeCounts accepted;
    private final CredentialHistory history;
    private final UncoveredContexts uncovered;
    private final Clock clock;

    public AgentStatus(
            AgentConfig config,
            CredentialSource credentials,
            RefusalLog refusals,
            HandshakeCounts accepted,
            CredentialHistory history,
            UncoveredContexts uncovered,
            Clock clock) {
        this.config = Objects.requireNonNull(config);
        this.credentials = Objects.requireNonNull(credentials);
        this.refusals = Objects.requireNonNull(refusals);
        this.accepted = Objects.requireNonNull(accepted);
        this.history = Objects.requireNonNull(history);
        this.uncovered = Objects.requireNonNull(uncovered);
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * Registers in {@code server}, the platform MBeanServer. A second agent in the same JVM (refused earlier) or a JVM
     * whose management is unavailable keeps working without it.
     *
     * @throws JMException when it cannot be registered
     */
    public void register(MBeanServer server) throws JMException {
        ObjectName name = new ObjectName(NAME);
        try {
            server.registerMBean(this, name);
        } catch (InstanceAlreadyExistsException e) {
            // A class loader that loaded the agent twice: the newer state replaces the stale one.
            server.unregisterMBean(name);
            server.registerMBean(this, name);
        }
    }

    private Optional<WorkloadCredentials> now() {
        return credentials.current();
    }

    @Override
    public String getIdentity() {
        return now().map(c -> c.spiffeId().map(Object::toString).orElseGet(() -> c.identity()
                        .certificate()
                        .getSubjectX500Principal()
                        .getName()))
                .orElse("");
    }

    @Override
    public String getSerial() {
        return now().map(WorkloadCredentials::serialHex).orElse("");
    }

    @Override
    public String getNotAfter() {
        return now().map(c -> c.notAfter().toString()).orElse("");
    }

    @Override
    public long getSecondsToExpiry() {
        return now().map(c -> Duration.between(clock.instant(), c.notAfter()).getSeconds())
                .orElse(-1L);
    }

    @Override
    public String getCertDir() {
        return config.certDir().toString();
    }

    @Override
    public String getMode() {
        return config.mode().value();
    }

    @Override
    public String getAllowedPeers() {
        if (config.allowedPeers().isPresent()) {
            return config.allowedPeers().get().toString();
        }
        // The default, as MeshTrustManager applies it to the credentials loaded now.
        return now().map(c -> c.spiffeId()
                        .map(id -> "own trust domain (" + id.trustDomain() + ")")
                        .orElse("every peer that chains to the trust bundle (no SPIFFE ID of our own)"))
                .orElse("own trust domain");
    }

    @Override
    public long getRotations() {
        return history.rotations();
    }

    @Override
    public String getLastRotation() {
        return text(history.lastRotation());
    }

    @Override
    public long getLastRotationEpochSeconds() {
        Instant at = history.lastRotation();
        return at == null ? -1 : at.getEpochSecond();
    }

    @Override
    public String getLastRefusedSet() {
        String why = history.lastRefused();
        return why == null ? "" : why;
    }

    @Override
    public String getLastRefusedSetTime() {
        return text(history.lastRefusedAt());
    }

    @Override
    public long getInboundHandshakesAccepted() {
        return accepted.inbound();
    }

    @Override
    public long getOutboundHandshakesAccepted() {
        return accepted.outbound();
    }

    @Override
    public long getRefusalsTotal() {
        return refusals.counts().values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public long getRefusalsNoCertificate() {
        return refused(RefusalReason.NO_CERTIFICATE);
    }

    @Override
    public long getRefusalsUntrustedIssuer() {
        return refused(RefusalReason.UNTRUSTED_ISSUER);
    }

    @Override
    public long getRefusalsExpired() {
        return refused(RefusalReason.EXPIRED);
    }

    @Override
    public long getRefusalsNotYetValid() {
        return refused(RefusalReason.NOT_YET_VALID);
    }

    @Override
    public long getRefusalsNotInAllowedPeers() {
        return refused(RefusalReason.NOT_IN_ALLOWED_PEERS);
    }

    @Override
    public long getRefusalsHostNameMismatch() {
        return refused(RefusalReason.HOST_NAME_MISMATCH);
    }

    @Override
    public long getRefusalsNoCredentials() {
        return refused(RefusalReason.NO_CREDENTIALS);
    }

    @Override
    public int getUncoveredContextCount() {
        return uncovered.sites().size();
    }

    @Override
    public String[] getUncoveredContexts() {
        return uncovered.sites().toArray(new String[0]);
    }

    private long refused(RefusalReason reason) {
        return refusals.counts().get(reason);
    }

    private static String text(Instant at) {
        return at == null ? "" : at.toString();
    }
}
