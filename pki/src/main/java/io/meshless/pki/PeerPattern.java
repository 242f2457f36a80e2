package io.meshless.pki;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import javax.security.auth.x500.X500Principal;

/**
 * One entry of {@code allowed-peers}. The prefix says what it names:
 *
 * <ul>
 *   <li>{@code spiffe://td/path}: exactly that SPIFFE ID; {@code spiffe://td/path/*} every ID below
 *       it, segment-wise ({@code spiffe://cluster.local/ns/shop/*} matches
 *       {@code spiffe://cluster.local/ns/shop/sa/web}, not {@code spiffe://cluster.local/ns/shopping/sa/x});
 *   <li>{@code cn:client.mybank.com}: a subject common name, exactly (case-sensitive);
 *       {@code cn:~regex}: a common name matching the whole regular expression (ingress-nginx
 *       {@code auth-tls-match-cn});
 *   <li>{@code dn:CN=client,O=My Bank,C=US}: the whole subject DN, RFC 4514 order as
 *       {@code openssl x509 -noout -subject -nameopt RFC2253} prints it, compared as X.500 names;
 *   <li>{@code dns:orders.shop.svc}: a DNS subject alternative name, case-insensitive;
 *       {@code dns:*.shop.svc} any one label under {@code shop.svc}.
 * </ul>
 *
 * Exact by default, because a plain {@code .} in a regular expression matches any character; the
 * {@code ~} asks for a regular expression explicitly.
 */
public final class PeerPattern {
    /** The prefixes an entry starts with. */
    public static final List<String> PREFIXES =
            Collections.unmodifiableList(java.util.Arrays.asList("spiffe://", "cn:", "dn:", "dns:"));

    private enum Kind {
        SPIFFE_ID,
        SPIFFE_PREFIX,
        CN,
        CN_REGEX,
        DN,
        DNS,
        DNS_WILDCARD
    }

    private final Kind kind;
    private final String text;
    private final SpiffeId spiffeId;
    private final Pattern regex;
    private final X500Principal dn;

    private PeerPattern(Kind kind, String text, SpiffeId spiffeId, Pattern regex, X500Principal dn) {
        this.kind = kind;
        this.text = text;
        this.spiffeId = spiffeId;
        this.regex = regex;
        this.dn = dn;
    }

    /** Whether {@code text} starts with one of {@link #PREFIXES} (case-insensitive). */
    public static boolean startsEntry(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (String prefix : PREFIXES) {
            if (t.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** Parses one entry; the exception message quotes it and says what is wrong. */
    public static PeerPattern parse(String text) {
        if (text == null || text.trim().isEmpty()) {
            throw new IllegalArgumentException("peer pattern is empty");
        }
        String t = text.trim();
        String lower = t.toLowerCase(Locale.ROOT);
        try {
            if (lower.startsWith("spiffe://")) {
                return spiffe(t);
            }
            if (lower.startsWith("cn:")) {
                return commonName(t, t.substring(3));
            }
            if (lower.startsWith("dn:")) {
                return distinguishedName(t, t.substring(3).trim());
            }
            if (lower.startsWith("dns:")) {
                return dnsName(t, t.substring(4).trim());
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("peer pattern '" + t + "': " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("peer pattern '" + t + "': expected a SPIFFE ID (spiffe://...) or an"
                + " entry starting with cn:, dn: or dns:");
    }

    private static PeerPattern spiffe(String t) {
        if (t.endsWith("/*")) {
            SpiffeId base = SpiffeId.parse(t.substring(0, t.length() - 2));
            return new PeerPattern(Kind.SPIFFE_PREFIX, base + "/*", base, null, null);
        }
        if (t.contains("*")) {
            throw new IllegalArgumentException("'*' is only allowed as a final '/*'");
        }
        SpiffeId id = SpiffeId.parse(t);
        return new PeerPattern(Kind.SPIFFE_ID, id.toString(), id, null, null);
    }

    private static PeerPattern commonName(String t, String value) {
        if (value.startsWith("~")) {
            String expression = value.substring(1);
            if (expression.isEmpty()) {
                throw new IllegalArgumentException("empty regular expression after 'cn:~'");
            }
            try {
                return new PeerPattern(Kind.CN_REGEX, "cn:~" + expression, null, Pattern.compile(expression), null);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(
                        "invalid regular expression: " + e.getDescription() + " near index " + e.getIndex(), e);
            }
        }
        if (value.isEmpty()) {
            throw new IllegalArgumentException("empty common name after 'cn:'");
        }
        return new PeerPattern(Kind.CN, "cn:" + value, null, null, null);
    }

    private static PeerPattern distinguishedName(String t, String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("empty distinguished name after 'dn:'");
        }
        X500Principal principal;
        try {
            principal = new X500Principal(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an RFC 4514 distinguished name (" + e.getMessage() + ")", e);
        }
        return new PeerPattern(Kind.DN, "dn:" + value, null, null, principal);
    }

    private static PeerPattern dnsName(String t, String value) {
        String name = trimDot(value.toLowerCase(Locale.ROOT));
        boolean wildcard = name.startsWith("*.");
        String checked = wildcard ? name.substring(2) : name;
        if (checked.isEmpty() || !checked.matches("[a-z0-9_-]+(\\.[a-z0-9_-]+)*")) {
            throw new IllegalArgumentException(
                    "not a DNS name (letters, digits, '-', '_' and dots; '*.' only as the first label)");
        }
        return new PeerPattern(wildcard ? Kind.DNS_WILDCARD : Kind.DNS, "dns:" + name, null, null, null);
    }

    /** Whether a SPIFFE-ID entry matches {@code id}; entries of other kinds never match a bare ID. */
    public boolean matches(SpiffeId id) {
        if (id == null) {
            return false;
        }
        if (kind == Kind.SPIFFE_ID) {
            return spiffeId.equals(id);
        }
        if (kind == Kind.SPIFFE_PREFIX) {
            return id.trustDomain().equals(spiffeId.trustDomain()) && id.path().startsWith(spiffeId.path() + "/");
        }
        return false;
    }

    /** Whether the peer's leaf certificate carries the identity this entry names. */
    public boolean matches(X509Certificate leaf) {
        switch (kind) {
            case SPIFFE_ID:
            case SPIFFE_PREFIX:
                Optional<SpiffeId> id = SpiffeId.fromCertificate(leaf);
                return id.isPresent() && matches(id.get());
            case CN:
                return DistinguishedNames.commonNames(leaf.getSubjectX500Principal())
                        .contains(text.substring(3));
            case CN_REGEX:
                for (String cn : DistinguishedNames.commonNames(leaf.getSubjectX500Principal())) {
                    if (regex.matcher(cn).matches()) {
                        return true;
                    }
                }
                return false;
            case DN:
                return dn.equals(leaf.getSubjectX500Principal());
            case DNS:
            case DNS_WILDCARD:
                for (String san : dnsNames(leaf)) {
                    if (dnsMatches(trimDot(san.toLowerCase(Locale.ROOT)))) {
                        return true;
                    }
                }
                return false;
            default:
                throw new AssertionError(kind);
        }
    }

    private boolean dnsMatches(String san) {
        String name = text.substring(4);
        if (kind == Kind.DNS) {
            return san.equals(name);
        }
        String suffix = name.substring(1); // ".shop.svc"
        if (!san.endsWith(suffix)) {
            return false;
        }
        String label = san.substring(0, san.length() - suffix.length());
        return !label.isEmpty() && !label.contains(".") && !label.contains("*");
    }

    /** Whether this entry names a SPIFFE ID (as opposed to a CN, DN or DNS name). */
    public boolean isSpiffe() {
        return kind == Kind.SPIFFE_ID || kind == Kind.SPIFFE_PREFIX;
    }

    private static List<String> dnsNames(X509Certificate leaf) {
        Collection<List<?>> sans;
        try {
            sans = leaf.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return Collections.emptyList();
        }
        List<String> names = new ArrayList<>();
        if (sans != null) {
            for (List<?> san : sans) {
                if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String) {
                    names.add((String) san.get(1));
                }
            }
        }
        return names;
    }

    private static String trimDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerPattern && ((PeerPattern) o).text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
