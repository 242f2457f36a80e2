package io.meshless.injector.controller;

import static io.meshless.injector.controller.MeshlessMetadata.*;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.CertificateReader;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.Pem;
import io.meshless.pki.PkiException;
import io.meshless.pki.PrivateKeyReader;
import io.meshless.pki.SpiffeId;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes the mesh CA Secret. Reading validates everything a person could get wrong
 * (missing field, bad base64, truncated PEM, key of another certificate, a non-CA certificate,
 * an expired CA, a bundle that does not hold the root) and names the Secret and the field.
 */
final class CaSecrets {

    private CaSecrets() {}

    static String describe(String namespace, String name) {
        return "Secret " + namespace + "/" + name;
    }

    static MeshCa read(Secret secret, Clock clock) throws PkiException {
        String source = describe(
                secret.getMetadata().getNamespace(), secret.getMetadata().getName());
        Map<String, String> data = secret.getData() == null ? Collections.emptyMap() : secret.getData();
        Map<String, String> annotations = secret.getMetadata().getAnnotations() == null
                ? Collections.emptyMap()
                : secret.getMetadata().getAnnotations();

        HeldCertificate signer = readCa(source, data, TLS_CRT, TLS_KEY, clock, true);
        List<X509Certificate> bundle;
        if (data.containsKey(CA_CRT)) {
            bundle = certificates(source, data, CA_CRT);
        } else {
            // cert-manager's CA Issuer Secrets may lack ca.crt: a self-signed CA is its own anchor.
            List<X509Certificate> chain = signer.chain();
            bundle = List.of(chain.get(chain.size() - 1));
        }
        requireAnchored(source, signer, TLS_CRT, bundle);

        HeldCertificate next = null;
        if (data.containsKey(NEXT_CRT) || data.containsKey(NEXT_KEY)) {
            next = readCa(source, data, NEXT_CRT, NEXT_KEY, clock, false);
        }
        X509Certificate previous = null;
        if (data.containsKey(PREVIOUS_CRT)) {
            previous = certificates(source, data, PREVIOUS_CRT).get(0);
        }
        RotationPhase phase;
        try {
            phase = RotationPhase.parse(annotations.get(CA_PHASE));
        } catch (IllegalArgumentException e) {
            throw new PkiException(source + " annotation " + CA_PHASE, e.getMessage());
        }
        Instant since = instant(source, annotations, CA_PHASE_SINCE);
        Instant retireAfter = instant(source, annotations, CA_RETIRE_AFTER);
        if (phase == RotationPhase.PUBLISHING) {
            if (next == null) {
                throw new PkiException(
                        source + " field " + NEXT_CRT, "missing although " + CA_PHASE + " is publishing");
            }
            requireAnchored(source, next, NEXT_CRT, bundle);
        }
        if (phase == RotationPhase.RETIRING && retireAfter == null) {
            throw new PkiException(
                    source + " annotation " + CA_RETIRE_AFTER, "missing although " + CA_PHASE + " is retiring");
        }
        MeshCa.Origin origin = CA_ORIGIN_GENERATED.equals(annotations.get(CA_ORIGIN))
                ? MeshCa.Origin.GENERATED
                : MeshCa.Origin.SUPPLIED;
        CaRotation rotation;
        switch (phase) {
            case PUBLISHING:
                rotation = new CaRotation.Publishing(since, next);
                break;
            case RETIRING:
                rotation = new CaRotation.Retiring(since, retireAfter, previous);
                break;
            default:
                rotation = new CaRotation.Stable(since, "true".equalsIgnoreCase(annotations.get(CA_ROTATE)));
        }
        return new MeshCa(signer, bundle, origin, rotation);
    }

    /** The Secret of a CA this controller generated (and may therefore rewrite). */
    static Secret toSecret(String namespace, String name, MeshCa ca) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put(TLS_CRT, base64(Pem.encode(ca.signer().chain())));
        data.put(TLS_KEY, base64(Pem.encode(ca.signer().privateKey())));
        data.put(CA_CRT, base64(Pem.encode(ca.bundleCertificates())));
        Map<String, String> annotations = new HashMap<>();
        annotations.put(CA_ORIGIN, CA_ORIGIN_GENERATED);
        annotations.put(CA_PHASE, ca.phase().label());
        ca.rotation().since().ifPresent(t -> annotations.put(CA_PHASE_SINCE, t.toString()));
        if (ca.rotation() instanceof CaRotation.Publishing publishing) {
            data.put(NEXT_CRT, base64(Pem.encode(publishing.next().chain())));
            data.put(NEXT_KEY, base64(Pem.encode(publishing.next().privateKey())));
        }
        if (ca.rotation() instanceof CaRotation.Retiring retiring) {
            if (retiring.previous() != null) {
                data.put(PREVIOUS_CRT, base64(Pem.encode(retiring.previous())));
            }
            annotations.put(CA_RETIRE_AFTER, retiring.retireAfter().toString());
        }
        return new SecretBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withNamespace(namespace)
                        .withName(name)
                        .addToLabels(LABEL_MANAGED_BY, MANAGED_BY)
                        .addToLabels(LABEL_COMPONENT, COMPONENT_CA)
                        .withAnnotations(annotations)
                        .build())
                .withType("kubernetes.io/tls")
                .withData(data)
                .build();
    }

    private static HeldCertificate readCa(
            String source, Map<String, String> data, String certKey, String keyKey, Clock clock, boolean signing)
            throws PkiException {
        List<X509Certificate> chain = certificates(source, data, certKey);
        if (!data.containsKey(keyKey)) {
            throw new PkiException(
                    source + " field " + keyKey, "missing: the CA's private key is needed to issue certificates");
        }
        byte[] keyBytes = decode(source, data, keyKey);
        PrivateKey key = PrivateKeyReader.parse(keyBytes, null, source + " field " + keyKey);
        X509Certificate caCert = chain.get(0);
        if (caCert.getBasicConstraints() < 0) {
            throw new PkiException(
                    source + " field " + certKey,
                    "the first certificate (" + caCert.getSubjectX500Principal()
                            + ") is not a CA certificate (basicConstraints CA:FALSE or absent)");
        }
        boolean[] usage = caCert.getKeyUsage();
        if (usage != null && !usage[5]) {
            throw new PkiException(
                    source + " field " + certKey,
                    "the CA certificate (" + caCert.getSubjectX500Principal() + ") lacks the keyCertSign key usage");
        }
        Instant now = clock.instant();
        if (now.isAfter(caCert.getNotAfter().toInstant())) {
            throw new PkiException(
                    source + " field " + certKey,
                    "the CA certificate (" + caCert.getSubjectX500Principal() + ") expired at "
                            + caCert.getNotAfter().toInstant());
        }
        if (signing && now.isBefore(caCert.getNotBefore().toInstant())) {
            throw new PkiException(
                    source + " field " + certKey,
                    "the CA certificate (" + caCert.getSubjectX500Principal() + ") is not valid before "
                            + caCert.getNotBefore().toInstant());
        }
        HeldCertificate held = new HeldCertificate(key, chain);
        requireKeyMatches(source, certKey, keyKey, held, clock);
        return held;
    }

    /** Signs a throw-away probe with the key and checks it against the certificate's public key. */
    private static void requireKeyMatches(
            String source, String certKey, String keyKey, HeldCertificate held, Clock clock) throws PkiException {
        HeldCertificate probe;
        try {
            CertificateAuthority authority = new CertificateAuthority(held, clock);
            Instant notBefore =
                    clock.instant().isBefore(held.certificate().getNotBefore().toInstant())
                            ? held.certificate().getNotBefore().toInstant()
                            : clock.instant();
            probe = authority.issue(LeafSpec.builder()
                    .spiffeId(SpiffeId.parse("spiffe://meshless.invalid/key-check"))
                    .lifetime(Duration.ofMinutes(1))
                    .notBefore(notBefore)
                    .build());
        } catch (RuntimeException e) {
            throw new PkiException(source + " field " + keyKey, "cannot sign with this key: " + e.getMessage(), e);
        }
        try {
            probe.certificate().verify(held.certificate().getPublicKey());
        } catch (java.security.GeneralSecurityException e) {
            throw new PkiException(
                    source + " field " + keyKey,
                    "the private key does not belong to the certificate in " + certKey + " ("
                            + held.certificate().getSubjectX500Principal() + ")");
        }
    }

    private static void requireAnchored(String source, HeldCertificate ca, String certKey, List<X509Certificate> bundle)
            throws PkiException {
        List<X509Certificate> chain = ca.chain();
        X509Certificate top = chain.get(chain.size() - 1);
        String topFingerprint = Fingerprints.of(top);
        for (X509Certificate anchor : bundle) {
            if (Fingerprints.of(anchor).equals(topFingerprint)) {
                return;
            }
            if (anchor.getSubjectX500Principal().equals(top.getIssuerX500Principal())) {
                try {
                    top.verify(anchor.getPublicKey());
                    return;
                } catch (java.security.GeneralSecurityException e) {
                    // same name, different key: keep looking, then report below
                }
            }
        }
        throw new PkiException(
                source + " field " + CA_CRT,
                "does not contain the CA that anchors " + certKey + " (" + top.getSubjectX500Principal()
                        + ", issued by " + top.getIssuerX500Principal() + ")");
    }

    private static List<X509Certificate> certificates(String source, Map<String, String> data, String key)
            throws PkiException {
        if (!data.containsKey(key)) {
            throw new PkiException(source + " field " + key, "missing");
        }
        List<X509Certificate> certs = CertificateReader.parse(decode(source, data, key), source + " field " + key);
        if (certs.isEmpty()) {
            throw new PkiException(source + " field " + key, "holds no certificate");
        }
        return certs;
    }

    private static byte[] decode(String source, Map<String, String> data, String key) throws PkiException {
        String value = data.get(key);
        if (value == null || value.isEmpty()) {
            throw new PkiException(source + " field " + key, "is empty");
        }
        try {
            return Base64.getDecoder().decode(value.trim());
        } catch (IllegalArgumentException e) {
            throw new PkiException(source + " field " + key, "is not valid base64: " + e.getMessage());
        }
    }

    private static Instant instant(String source, Map<String, String> annotations, String key) throws PkiException {
        try {
            return AnnotatedInstant.read(annotations, key);
        } catch (IllegalArgumentException e) {
            throw new PkiException(source + " annotation " + key, e.getMessage());
        }
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** Keeps the first of certificates with equal fingerprints, in order. */
    static List<X509Certificate> distinct(List<X509Certificate> certificates) {
        Set<String> seen = new LinkedHashSet<>();
        List<X509Certificate> out = new ArrayList<>();
        for (X509Certificate c : certificates) {
            if (seen.add(Fingerprints.of(c))) {
                out.add(c);
            }
        }
        return out;
    }
}
