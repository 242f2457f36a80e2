package io.meshless.pki;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/** Which peer SPIFFE IDs are accepted: a list of {@link PeerPattern}s, or a whole trust domain. */
public final class PeerPolicy {
    private final List<PeerPattern> patterns;
    private final String trustDomain;

    private PeerPolicy(List<PeerPattern> patterns, String trustDomain) {
        this.patterns = patterns;
        this.trustDomain = trustDomain;
    }

    /** Comma-separated exact IDs or "/*" prefixes; at least one. */
    public static PeerPolicy parse(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.trim().isEmpty()) {
            throw new IllegalArgumentException("allowed-peers is empty; give SPIFFE IDs or prefixes ending in /*");
        }
        List<PeerPattern> list = new ArrayList<>();
        for (String part : commaSeparated.split(",")) {
            if (part.trim().isEmpty()) {
                continue;
            }
            list.add(PeerPattern.parse(part));
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("allowed-peers '" + commaSeparated + "' names no peer");
        }
        return new PeerPolicy(Collections.unmodifiableList(list), null);
    }

    /** Every ID of one trust domain (the default of {@code allowed-peers}). */
    public static PeerPolicy sameTrustDomain(String trustDomain) {
        // Validates the trust domain with the SPIFFE rules.
        SpiffeId.parse("spiffe://" + trustDomain);
        return new PeerPolicy(Collections.emptyList(), trustDomain);
    }

    public boolean allows(SpiffeId id) {
        if (id == null) {
            return false;
        }
        if (trustDomain != null) {
            return trustDomain.equals(id.trustDomain());
        }
        for (PeerPattern p : patterns) {
            if (p.matches(id)) {
                return true;
            }
        }
        return false;
    }

    public List<PeerPattern> patterns() {
        return patterns;
    }

    @Override
    public String toString() {
        if (trustDomain != null) {
            return "spiffe://" + trustDomain + "/*";
        }
        return patterns.stream().map(PeerPattern::toString).collect(Collectors.joining(","));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerPolicy && o.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
