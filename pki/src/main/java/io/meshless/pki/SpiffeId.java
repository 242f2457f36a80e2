package io.meshless.pki;

import java.net.URI;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A SPIFFE ID, {@code spiffe://<trust-domain><path>}, validated per the SPIFFE ID specification:
 * lower-case scheme, a trust domain of lower-case letters, digits, '.', '-' and '_' (no port, no
 * user info), a path of non-empty segments of letters, digits, '.', '-' and '_' that are not "." or
 * "..", no trailing slash, no query or fragment, at most 2048 bytes.
 */
public final class SpiffeId {
    private static final String PREFIX = "spiffe://";
    private static final int MAX_LENGTH = 2048;

    private final String trustDomain;
    private final String path;

    private SpiffeId(String trustDomain, String path) {
        this.trustDomain = trustDomain;
        this.path = path;
    }

    /** Parses and validates; the IllegalArgumentException says which rule the text breaks. */
    public static SpiffeId parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("SPIFFE ID is empty");
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("SPIFFE ID is longer than " + MAX_LENGTH + " characters");
        }
        if (!text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("SPIFFE ID '" + text + "' must start with 'spiffe://'");
        }
        String rest = text.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        String td = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash);
        checkTrustDomain(td, text);
        checkPath(path, text);
        return new SpiffeId(td, path);
    }

    /** {@code spiffe://<trustDomain>/ns/<namespace>/sa/<serviceAccount>}. */
    public static SpiffeId forServiceAccount(String trustDomain, String namespace, String serviceAccount) {
        return parse(PREFIX + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount);
    }

    /**
     * The SPIFFE ID in a certificate's URI SAN. Per the SPIFFE X.509-SVID spec there is exactly one
     * URI SAN; a certificate with none, several, or a non-SPIFFE URI yields empty.
     */
    public static Optional<SpiffeId> fromCertificate(X509Certificate certificate) {
        Collection<List<?>> sans;
        try {
            sans = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
        if (sans == null) {
            return Optional.empty();
        }
        List<String> uris = new ArrayList<>();
        for (List<?> san : sans) {
            if (san.size() >= 2 && Integer.valueOf(6).equals(san.get(0)) && san.get(1) instanceof String) {
                uris.add((String) san.get(1));
            }
        }
        if (uris.size() != 1 || !uris.get(0).startsWith(PREFIX)) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(uris.get(0)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static void checkTrustDomain(String td, String text) {
        if (td.isEmpty()) {
            throw new IllegalArgumentException("SPIFFE ID '" + text + "' has an empty trust domain");
        }
        for (int i = 0; i < td.length(); i++) {
            char c = td.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
            if (!ok) {
                String why = c == ':'
                        ? "a port"
                        : c == '@'
                                ? "user info"
                                : (c >= 'A' && c <= 'Z') ? "upper-case letters" : "the character '" + c + "'";
                throw new IllegalArgumentException("SPIFFE ID '" + text + "': trust domain '" + td
                        + "' must not contain " + why + " (allowed: a-z 0-9 . - _)");
            }
        }
    }

    private static void checkPath(String path, String text) {
        if (path.isEmpty()) {
            return;
        }
        if (path.endsWith("/")) {
            throw new IllegalArgumentException("SPIFFE ID '" + text + "': path must not end with '/'");
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.isEmpty()) {
                throw new IllegalArgumentException("SPIFFE ID '" + text + "': path has an empty segment ('//')");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException(
                        "SPIFFE ID '" + text + "': path segment '" + segment + "' is not allowed");
            }
            for (int i = 0; i < segment.length(); i++) {
                char c = segment.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z')
                        || (c >= 'A' && c <= 'Z')
                        || (c >= '0' && c <= '9')
                        || c == '.'
                        || c == '-'
                        || c == '_';
                if (!ok) {
                    String why = c == '?'
                            ? "a query"
                            : c == '#' ? "a fragment" : c == '%' ? "percent-encoding" : "the character '" + c + "'";
                    throw new IllegalArgumentException("SPIFFE ID '" + text + "': path must not contain " + why
                            + " (allowed: a-z A-Z 0-9 . - _ and '/' between segments)");
                }
            }
        }
    }

    /**
     * The DNS name for a Kubernetes service-account ID {@code /ns/<ns>/sa/<sa>}, for clients that
     * verify a server by name rather than by SPIFFE ID (nginx {@code proxy_ssl_name}, Go's {@code
     * ServerName}, curl): {@code <sa>.<ns>.serviceaccount.<trust-domain>}, e.g. {@code
     * orders.shop.serviceaccount.cluster.local}. It can never be a Service's or a pod's name, which
     * have {@code svc} or {@code pod} where this has {@code serviceaccount}. Empty for other paths
     * and when the result would not be a valid host name (an '_' in the trust domain, a label over
     * 63 or a name over 253 characters).
     */
    public Optional<String> serviceAccountDnsName() {
        String[] segments = path.split("/", -1);
        if (segments.length != 5 || !segments[1].equals("ns") || !segments[3].equals("sa")) {
            return Optional.empty();
        }
        String name = segments[4] + "." + segments[2] + ".serviceaccount." + trustDomain;
        if (name.length() > 253) {
            return Optional.empty();
        }
        for (String label : name.split("\\.", -1)) {
            if (!label.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
                return Optional.empty();
            }
        }
        return Optional.of(name);
    }

    public String trustDomain() {
        return trustDomain;
    }

    /** The path including its leading '/', or "" for the ID of a trust domain itself. */
    public String path() {
        return path;
    }

    public URI toUri() {
        return URI.create(toString());
    }

    @Override
    public String toString() {
        return PREFIX + trustDomain + path;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpiffeId
                && ((SpiffeId) o).trustDomain.equals(trustDomain)
                && ((SpiffeId) o).path.equals(path);
    }

    @Override
    public int hashCode() {
        return trustDomain.hashCode() * 31 + path.hashCode();
    }
}
