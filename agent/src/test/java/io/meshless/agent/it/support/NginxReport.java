package io.meshless.agent.it.support;

import io.meshless.pki.CertificateReader;
import io.meshless.pki.PkiException;
import io.meshless.pki.SpiffeId;
import java.math.BigInteger;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** What {@link Nginx} said about the client certificate, parsed from a client program's RESULT line. */
public final class NginxReport {

    private final Map<String, String> fields;

    private NginxReport(Map<String, String> fields) {
        this.fields = fields;
    }

    /** @param result a RESULT payload such as {@code OK 200 verify=SUCCESS | serial=... | ...} */
    public static NginxReport parse(String result) {
        if (!result.startsWith("OK 200 ")) {
            throw new AssertionError("expected a successful response from nginx, got: " + result);
        }
        Map<String, String> fields = new HashMap<>();
        for (String part : result.substring("OK 200 ".length()).split(" \\| ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                fields.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        return new NginxReport(fields);
    }

    /** {@code $ssl_client_verify}: SUCCESS, NONE or FAILED:reason. */
    public String verify() {
        return fields.getOrDefault("verify", "");
    }

    public Optional<BigInteger> serial() {
        String serial = fields.getOrDefault("serial", "");
        return serial.isEmpty() ? Optional.empty() : Optional.of(new BigInteger(serial, 16));
    }

    /** The SPIFFE ID in the client certificate nginx received. */
    public Optional<SpiffeId> clientSpiffeId() {
        String escaped = fields.getOrDefault("cert", "");
        if (escaped.isEmpty()) {
            return Optional.empty();
        }
        String pem = URLDecoder.decode(escaped, StandardCharsets.UTF_8);
        try {
            X509Certificate leaf = CertificateReader.parse(
                            pem.getBytes(StandardCharsets.US_ASCII), "nginx $ssl_client_escaped_cert")
                    .get(0);
            return SpiffeId.fromCertificate(leaf);
        } catch (PkiException e) {
            throw new AssertionError("nginx returned an unreadable client certificate: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "verify=" + verify() + " serial=" + fields.get("serial") + " subject=" + fields.get("subject");
    }
}
