package io.meshless.injector.check;

import io.fabric8.kubernetes.api.model.Secret;
import io.meshless.pki.CertificateReader;
import io.meshless.pki.PkiException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** The certificates in a Secret's data field, or why there are none, naming the Secret and field. */
final class SecretCertificates {

    private SecretCertificates() {}

    static List<X509Certificate> read(Secret secret, String field) throws PkiException {
        String source = "Secret " + MeshPods.key(secret) + " field " + field;
        Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
        String value = data.get(field);
        if (value == null || value.isBlank()) {
            throw new PkiException(source, "is missing or empty");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(value.trim());
        } catch (IllegalArgumentException e) {
            throw new PkiException(source, "is not valid base64: " + e.getMessage());
        }
        return parse(bytes, source);
    }

    /** A webhook's caBundle: base64 of PEM, like a Secret field. */
    static List<X509Certificate> caBundle(byte[] pem, String source) throws PkiException {
        if (pem == null || pem.length == 0) {
            throw new PkiException(source, "is missing or empty");
        }
        return parse(pem, source);
    }

    private static List<X509Certificate> parse(byte[] bytes, String source) throws PkiException {
        List<X509Certificate> certificates = CertificateReader.parse(bytes, source);
        if (certificates.isEmpty()) {
            throw new PkiException(source, "holds no certificate");
        }
        return certificates;
    }
}
