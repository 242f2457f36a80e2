package io.meshless.pki;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a leaf certificate should say. Defaults: EC P-256, 24 hours, valid from the issuing CA's
 * clock "now". Immutable; build with {@link #builder()}.
 */
public final class LeafSpec {
    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(24);

    private final SpiffeId spiffeId;
    private final List<String> dnsNames;
    private final List<String> ipAddresses;
    private final String commonName;
    private final KeyType keyType;
    private final Duration lifetime;
    private final Instant notBefore;

    private LeafSpec(Builder b) {
        this.spiffeId = b.spiffeId;
        this.dnsNames = Collections.unmodifiableList(new ArrayList<>(b.dnsNames));
        this.ipAddresses = Collections.unmodifiableList(new ArrayList<>(b.ipAddresses));
        this.commonName = b.commonName;
        this.keyType = b.keyType;
        this.lifetime = b.lifetime;
        this.notBefore = b.notBefore;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Optional<SpiffeId> spiffeId() {
        return Optional.ofNullable(spiffeId);
    }

    public List<String> dnsNames() {
        return dnsNames;
    }

    public List<String> ipAddresses() {
        return ipAddresses;
    }

    public Optional<String> commonName() {
        return Optional.ofNullable(commonName);
    }

    public KeyType keyType() {
        return keyType;
    }

    public Duration lifetime() {
        return lifetime;
    }

    /** Empty means "the CA's clock at issue time". */
    public Optional<Instant> notBefore() {
        return Optional.ofNullable(notBefore);
    }

    /** Collects the fields; {@code dnsName} and {@code ipAddress} may be called several times. */
    public static final class Builder {
        private SpiffeId spiffeId;
        private final List<String> dnsNames = new ArrayList<>();
        private final List<String> ipAddresses = new ArrayList<>();
        private String commonName;
        private KeyType keyType = KeyType.EC_P256;
        private Duration lifetime = DEFAULT_LIFETIME;
        private Instant notBefore;

        private Builder() {}

        public Builder spiffeId(SpiffeId id) {
            this.spiffeId = id;
            return this;
        }

        public Builder dnsName(String name) {
            if (name == null || name.trim().isEmpty()) {
                throw new IllegalArgumentException("DNS name is empty");
            }
            dnsNames.add(name.trim());
            return this;
        }

        public Builder ipAddress(String address) {
            if (address == null || !looksLikeIp(address.trim())) {
                throw new IllegalArgumentException("'" + address + "' is not an IPv4 or IPv6 address");
            }
            ipAddresses.add(address.trim());
            return this;
        }

        public Builder commonName(String cn) {
            this.commonName = cn;
            return this;
        }

        public Builder keyType(KeyType type) {
            this.keyType = Objects.requireNonNull(type, "keyType");
            return this;
        }

        public Builder lifetime(Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("lifetime must be positive, was " + d);
            }
            this.lifetime = d;
            return this;
        }

        public Builder notBefore(Instant t) {
            this.notBefore = t;
            return this;
        }

        public LeafSpec build() {
            if (spiffeId == null && dnsNames.isEmpty() && ipAddresses.isEmpty() && commonName == null) {
                throw new IllegalArgumentException(
                        "a leaf needs a SPIFFE ID, a DNS name, an IP address or a common name");
            }
            return new LeafSpec(this);
        }

        private static boolean looksLikeIp(String s) {
            // Literal check only: never let InetAddress resolve a host name here.
            if (s.contains(":")) {
                return s.matches("[0-9a-fA-F:.]+");
            }
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) {
                return false;
            }
            for (String p : parts) {
                if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > 255) {
                    return false;
                }
            }
            return true;
        }
    }
}
