package io.meshless.agent.tls;

/** Why the agent refused a peer, in the words its log lines use. */
public enum RefusalReason {
    NO_CERTIFICATE("no certificate"),
    UNTRUSTED_ISSUER("untrusted issuer"),
    EXPIRED("expired"),
    NOT_YET_VALID("not yet valid"),
    NOT_IN_ALLOWED_PEERS("not in allowed-peers"),
    HOST_NAME_MISMATCH("host name mismatch"),
    NO_CREDENTIALS("no workload credentials loaded");

    private final String text;

    RefusalReason(String text) {
        this.text = text;
    }

    /** The reason as it appears in the log line. */
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
