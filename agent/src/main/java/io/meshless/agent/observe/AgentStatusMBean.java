package io.meshless.agent.observe;

/**
 * The running agent, as {@code io.meshless:type=Agent} in the platform MBeanServer. The attribute names are a
 * contract (docs/observability.md, the Prometheus JMX exporter rules there, {@code meshless status --pid}):
 * add, never rename. Counts and times are numbers, so an exporter can scrape them as gauges and counters;
 * an unknown value is an empty string or -1.
 */
public interface AgentStatusMBean {
    /** The workload's SPIFFE ID, else its certificate subject; empty when no credentials are loaded. */
    String getIdentity();

    /** Serial number of the certificate presented, in hex. */
    String getSerial();

    /** When that certificate expires (ISO-8601). */
    String getNotAfter();

    /** Seconds until that certificate expires (negative once expired); -1 when none is loaded. */
    long getSecondsToExpiry();

    String getCertDir();

    /** strict, permissive or audit. */
    String getMode();

    /** allowed-peers as configured, or the default in words. */
    String getAllowedPeers();

    /** Certificates swapped in after the first load. */
    long getRotations();

    /** When the last rotation happened (ISO-8601), empty before the first. */
    String getLastRotation();

    /** Epoch seconds of the last rotation, -1 before the first. */
    long getLastRotationEpochSeconds();

    /** Why the cert dir's content was last refused (pki's message), empty when none was. */
    String getLastRefusedSet();

    /** When it was refused (ISO-8601), empty when none was. */
    String getLastRefusedSetTime();

    /** Clients whose certificate passed the chain and allowed-peers checks. */
    long getInboundHandshakesAccepted();

    /** Servers whose certificate passed the chain and name checks. */
    long getOutboundHandshakesAccepted();

    /** Every refused peer (in audit mode: every peer strict would refuse), by reason below. */
    long getRefusalsTotal();

    long getRefusalsNoCertificate();

    long getRefusalsUntrustedIssuer();

    long getRefusalsExpired();

    long getRefusalsNotYetValid();

    long getRefusalsNotInAllowedPeers();

    long getRefusalsHostNameMismatch();

    long getRefusalsNoCredentials();

    /** Number of application SSLContexts with key or trust material of their own, which the agent leaves alone. */
    int getUncoveredContextCount();

    /** Where those contexts were initialised: these connections do not use the mesh identity. */
    String[] getUncoveredContexts();
}
