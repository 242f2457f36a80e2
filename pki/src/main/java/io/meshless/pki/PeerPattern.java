package io.meshless.pki;

/**
 * One entry of {@code allowed-peers}: an exact SPIFFE ID, or a prefix ending in "/*" that matches
 * every ID below it ({@code spiffe://cluster.local/ns/shop/*} matches
 * {@code spiffe://cluster.local/ns/shop/sa/web} but not {@code spiffe://cluster.local/ns/shopping/sa/x}).
 */
public final class PeerPattern {
    private final SpiffeId base;
    private final boolean prefix;

    private PeerPattern(SpiffeId base, boolean prefix) {
        this.base = base;
        this.prefix = prefix;
    }

    public static PeerPattern parse(String text) {
        if (text == null || text.trim().isEmpty()) {
            throw new IllegalArgumentException("peer pattern is empty");
        }
        String t = text.trim();
        if (t.endsWith("/*")) {
            String b = t.substring(0, t.length() - 2);
            try {
                return new PeerPattern(SpiffeId.parse(b), true);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("peer pattern '" + t + "': " + e.getMessage(), e);
            }
        }
        if (t.contains("*")) {
            throw new IllegalArgumentException("peer pattern '" + t + "': '*' is only allowed as a final '/*'");
        }
        try {
            return new PeerPattern(SpiffeId.parse(t), false);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("peer pattern '" + t + "': " + e.getMessage(), e);
        }
    }

    public boolean matches(SpiffeId id) {
        if (id == null) {
            return false;
        }
        if (!prefix) {
            return base.equals(id);
        }
        // Segment-wise prefix: ".../ns/shop/*" must not match ".../ns/shopping/...".
        return id.trustDomain().equals(base.trustDomain()) && id.path().startsWith(base.path() + "/");
    }

    @Override
    public String toString() {
        return prefix ? base + "/*" : base.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerPattern && ((PeerPattern) o).base.equals(base) && ((PeerPattern) o).prefix == prefix;
    }

    @Override
    public int hashCode() {
        return base.hashCode() * 2 + (prefix ? 1 : 0);
    }
}
