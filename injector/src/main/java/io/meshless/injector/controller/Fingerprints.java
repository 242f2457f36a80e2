package io.meshless.injector.controller;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** SHA-256 fingerprints recorded in annotations, so decisions compare strings instead of re-parsing PEM. */
final class Fingerprints {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Fingerprints() {}

    static String of(X509Certificate certificate) {
        try {
            return sha256(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode certificate " + certificate.getSubjectX500Principal(), e);
        }
    }

    /** Order-independent fingerprint of a set of certificates (a trust bundle). */
    static String ofSet(Collection<X509Certificate> certificates) {
        List<String> parts = new ArrayList<>();
        for (X509Certificate c : certificates) {
            parts.add(of(c));
        }
        Collections.sort(parts);
        return sha256(String.join(",", parts).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Fingerprint of a Secret's data, keys sorted, so any change (damage, hand edit) is noticed. */
    static String ofData(Map<String, String> base64Data) {
        MessageDigest digest = digest();
        for (Map.Entry<String, String> e : new TreeMap<>(base64Data).entrySet()) {
            digest.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(String.valueOf(e.getValue()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            digest.update((byte) 0);
        }
        return hex(digest.digest());
    }

    static String sha256(byte[] data) {
        return hex(digest().digest(data));
    }

    static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[bytes[i] & 0xf];
        }
        return new String(out);
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
