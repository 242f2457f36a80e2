package io.meshless.pki;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which peers are accepted: a list of {@link PeerPattern}s ({@code allowed-peers}), every ID of one
 * trust domain (the default when the own certificate has a SPIFFE ID), or every peer whose chain
 * verified (the default without one, as nginx's {@code ssl_verify_client on}).
 */
public final class PeerPolicy {
    private final List<PeerPattern> patterns;
    private final String trustDomain;
    private final boolean anyVerifiedPeer;

    private PeerPolicy(List<PeerPattern> patterns, String trustDomain, boolean anyVerifiedPeer) {
        this.patterns = patterns;
        this.trustDomain = trustDomain;
        this.anyVerifiedPeer = anyVerifiedPeer;
    }

    /**
     * Entries separated by {@code ,} or {@code ;}; at least one. A DN or a regular expression may itself
     * hold commas: a piece that does not start with one of {@link PeerPattern#PREFIXES} continues the
     * {@code cn:} or {@code dn:} entry before it ({@code dn:CN=client,O=My Bank} is one entry).
     */
    public static PeerPolicy parse(String list) {
        if (list == null || list.trim().isEmpty()) {
            throw new IllegalArgumentException(
                    "allowed-peers is empty; give SPIFFE IDs, prefixes ending in /*," + " or cn:, dn:, dns: entries");
        }
        List<String> entries = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= list.length(); i++) {
            if (i < list.length() && list.charAt(i) != ',' && list.charAt(i) != ';') {
                continue;
            }
            String piece = list.substring(start, i);
            int last = entries.size() - 1;
            if (last >= 0 && continues(entries.get(last), piece)) {
                entries.set(last, entries.get(last) + list.charAt(start - 1) + piece);
            } else if (!piece.trim().isEmpty()) {
                entries.add(piece);
            }
            start = i + 1;
        }
        List<PeerPattern> parsed = new ArrayList<>();
        for (String entry : entries) {
            parsed.add(PeerPattern.parse(entry));
        }
        if (parsed.isEmpty()) {
            throw new IllegalArgumentException("allowed-peers '" + list + "' names no peer");
        }
        return new PeerPolicy(Collections.unmodifiableList(parsed), null, false);
    }

    /** A piece that continues a DN or CN entry: it has text and does not start an entry of its own. */
    private static boolean continues(String previous, String piece) {
        String p = previous.trim().toLowerCase(java.util.Locale.ROOT);
        return (p.startsWith("dn:") || p.startsWith("cn:"))
                && !piece.trim().isEmpty()
                && !PeerPattern.startsEntry(piece);
    }

    /** Every ID of one trust domain (the default of {@code allowed-peers} for SPIFFE workloads). */
    public static PeerPolicy sameTrustDomain(String trustDomain) {
        // Validates the trust domain with the SPIFFE rules.
        SpiffeId.parse("spiffe://" + trustDomain);
        return new PeerPolicy(Collections.emptyList(), trustDomain, false);
    }

    /** Every peer whose chain verified against the bundle (the default without a SPIFFE ID of our own). */
    public static PeerPolicy anyVerifiedPeer() {
        return new PeerPolicy(Collections.emptyList(), null, true);
    }

    public boolean allows(SpiffeId id) {
        if (anyVerifiedPeer) {
            return true;
        }
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

    /** Whether the peer presenting {@code leaf} (whose chain has been verified) is admitted. */
    public boolean allows(X509Certificate leaf) {
        if (anyVerifiedPeer) {
            return true;
        }
        if (trustDomain != null) {
            Optional<SpiffeId> id = SpiffeId.fromCertificate(leaf);
            return id.isPresent() && allows(id.get());
        }
        for (PeerPattern p : patterns) {
            if (p.matches(leaf)) {
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
        if (anyVerifiedPeer) {
            return "(every peer that chains to the trust bundle)";
        }
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
