package io.meshless.agent.it.support;

import io.meshless.agent.MeshlessAgent;
import io.meshless.agent.tls.RefusalLog;
import io.meshless.agent.tls.RefusalLog.Side;
import io.meshless.agent.tls.RefusalReason;
import java.util.regex.Pattern;

/**
 * The agent's stderr lines as tests look for them, built from the markers its main code logs with (never from
 * the prose around them), so a change of wording changes both or neither.
 */
public final class AgentLines {
    /** The INFO line of a rotation the agent picked up ({@link MeshlessAgent#ROTATED}). */
    public static final Pattern ROTATED = containing(MeshlessAgent.ROTATED + " ");

    private AgentLines() {}

    /** A whole line that holds {@code marker} anywhere. */
    public static Pattern containing(String marker) {
        return Pattern.compile(".*" + Pattern.quote(marker) + ".*");
    }

    /**
     * The audit WARN line of an inbound peer strict would have refused for {@code reason}, admitted.
     *
     * @param peer how the line names the peer: its SPIFFE ID or DN, or {@link RefusalLog#NO_CERTIFICATE}
     */
    public static Pattern admittedInbound(String peer, RefusalReason reason) {
        return Pattern.compile(".*WARN.*"
                + Pattern.quote(RefusalLog.admittedPeer(Side.INBOUND) + " " + peer)
                + ".*: "
                + Pattern.quote(reason.text() + ", " + RefusalLog.STRICT_REFUSES)
                + ".*");
    }

    /** The audit line of an inbound client that sent no certificate. */
    public static Pattern admittedWithoutCertificate() {
        return admittedInbound(RefusalLog.NO_CERTIFICATE, RefusalReason.NO_CERTIFICATE);
    }

    /** How many lines of {@code text} match {@code pattern} as a whole. */
    public static long count(String text, Pattern pattern) {
        return text.lines().filter(line -> pattern.matcher(line).matches()).count();
    }
}
