package io.meshless.cli;

import io.meshless.pki.ControlCharacters;
import io.meshless.pki.KeyType;
import io.meshless.pki.SpiffeId;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** What a person wants to know about one certificate, as text lines and as JSON. */
final class CertificateFacts {

    private final X509Certificate certificate;
    private final Instant now;

    CertificateFacts(X509Certificate certificate, Instant now) {
        this.certificate = certificate;
        this.now = now;
    }

    String identity() {
        return SpiffeId.fromCertificate(certificate).map(SpiffeId::toString).orElse(null);
    }

    String subject() {
        return certificate.getSubjectX500Principal().getName();
    }

    String issuer() {
        return certificate.getIssuerX500Principal().getName();
    }

    String serial() {
        return certificate.getSerialNumber().toString(16);
    }

    String keyType() {
        return KeyType.describe(certificate.getPublicKey());
    }

    Instant notBefore() {
        return certificate.getNotBefore().toInstant();
    }

    Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    boolean isCa() {
        return certificate.getBasicConstraints() >= 0;
    }

    /** "23h 59m left", "expired 2h 3m ago", "not valid for another 5m". */
    String timeLeft() {
        if (now.isBefore(notBefore())) {
            return "not valid for another " + human(Duration.between(now, notBefore()));
        }
        if (now.isAfter(notAfter())) {
            return "expired " + human(Duration.between(notAfter(), now)) + " ago";
        }
        return human(Duration.between(now, notAfter())) + " left";
    }

    List<String> dnsNames() {
        return sans(2);
    }

    List<String> ipAddresses() {
        return sans(7);
    }

    /** Label/value rows, for the aligned text output. */
    List<String[]> rows() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"identity", identity() == null ? "(no SPIFFE ID)" : identity()});
        rows.add(new String[] {"subject", subject().isEmpty() ? "(empty)" : subject()});
        rows.add(new String[] {"issuer", issuer()});
        rows.add(new String[] {"serial", serial()});
        rows.add(new String[] {"valid", notBefore() + " to " + notAfter() + " (" + timeLeft() + ")"});
        rows.add(new String[] {"key type", keyType()});
        if (!dnsNames().isEmpty()) {
            rows.add(new String[] {"dns names", String.join(", ", dnsNames())});
        }
        if (!ipAddresses().isEmpty()) {
            rows.add(new String[] {"ip addresses", String.join(", ", ipAddresses())});
        }
        if (isCa()) {
            rows.add(new String[] {"ca", "yes (basicConstraints CA:TRUE)"});
        }
        return rows;
    }

    Json json() {
        return Json.object()
                .put("identity", identity())
                .put("subject", subject())
                .put("issuer", issuer())
                .put("serial", serial())
                .put("notBefore", notBefore().toString())
                .put("notAfter", notAfter().toString())
                .put("secondsLeft", Duration.between(now, notAfter()).getSeconds())
                .put("keyType", keyType())
                .put("dnsNames", dnsNames())
                .put("ipAddresses", ipAddresses())
                .put("ca", isCa());
    }

    static String human(Duration d) {
        long s = Math.abs(d.getSeconds());
        long days = s / 86_400;
        long hours = s % 86_400 / 3_600;
        long minutes = s % 3_600 / 60;
        if (days > 0) {
            return days + "d " + hours + "h";
        }
        if (hours > 0) {
            return hours + "h " + minutes + "m";
        }
        if (minutes > 0) {
            return minutes + "m " + s % 60 + "s";
        }
        return s + "s";
    }

    /** Prints rows with the labels aligned, indented by two spaces. */
    static void print(StringBuilder b, List<String[]> rows) {
        int width = 14;
        for (String[] row : rows) {
            width = Math.max(width, row[0].length() + 2);
        }
        for (String[] row : rows) {
            // Values come from certificates: a newline or ESC in a subject is shown, not obeyed.
            b.append(String.format(
                    Locale.ROOT, "  %-" + width + "s%s\n", row[0] + ":", ControlCharacters.escape(row[1])));
        }
    }

    private List<String> sans(int type) {
        List<String> result = new ArrayList<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(type).equals(san.get(0))) {
                        result.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // Shown as no names; the chain check reports a malformed certificate.
        }
        return result;
    }
}
