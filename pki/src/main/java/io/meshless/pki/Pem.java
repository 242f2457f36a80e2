package io.meshless.pki;

import io.meshless.pki.internal.PemBlock;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

/** Writes certificates and keys as PEM text. */
public final class Pem {
    private Pem() {}

    public static String encode(X509Certificate... certificates) {
        return encode(Arrays.asList(certificates));
    }

    public static String encode(List<X509Certificate> certificates) {
        StringBuilder sb = new StringBuilder();
        for (X509Certificate c : certificates) {
            try {
                sb.append(PemBlock.encode("CERTIFICATE", c.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException(
                        "certificate " + c.getSubjectX500Principal() + " cannot be encoded", e);
            }
        }
        return sb.toString();
    }

    /** PKCS#8 "PRIVATE KEY", unencrypted (as a Kubernetes TLS Secret holds it). */
    public static String encode(PrivateKey key) {
        byte[] der = key.getEncoded();
        if (der == null || !"PKCS#8".equals(key.getFormat())) {
            throw new IllegalArgumentException("private key (" + key.getAlgorithm() + ") cannot be exported as PKCS#8");
        }
        return PemBlock.encode("PRIVATE KEY", der);
    }
}
