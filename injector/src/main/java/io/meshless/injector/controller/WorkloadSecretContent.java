package io.meshless.injector.controller;

import static io.meshless.injector.controller.MeshlessMetadata.*;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.Pem;
import io.meshless.pki.SpiffeId;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-service-account {@code kubernetes.io/tls} Secret: how it is built, and what (if
 * anything) has to change about an existing one. Decisions use the annotations written at
 * issuance plus a hash of the data, so a healthy Secret is never parsed.
 */
final class WorkloadSecretContent {

    static final String TYPE_TLS = "kubernetes.io/tls";

    enum Action {
        KEEP,
        UPDATE_BUNDLE,
        REISSUE,
        FOREIGN
    }

    /** What to do with a Secret and why (the reason goes to the log). */
    static final class Decision {
        final Action action;
        final String reason;

        Decision(Action action, String reason) {
            this.action = action;
            this.reason = reason;
        }

        @Override
        public String toString() {
            return action + " (" + reason + ")";
        }
    }

    private WorkloadSecretContent() {}

    static Decision decide(Secret secret, MeshCa ca, SpiffeId expected, Instant now) {
        if (secret == null) {
            return new Decision(Action.REISSUE, "absent");
        }
        Map<String, String> labels = orEmpty(secret.getMetadata().getLabels());
        if (!MANAGED_BY.equals(labels.get(LABEL_MANAGED_BY))) {
            return new Decision(
                    Action.FOREIGN,
                    "exists without label " + LABEL_MANAGED_BY + "=" + MANAGED_BY
                            + "; not overwriting a Secret meshless did not create");
        }
        Map<String, String> annotations = orEmpty(secret.getMetadata().getAnnotations());
        if (!TYPE_TLS.equals(secret.getType())) {
            return new Decision(Action.REISSUE, "type is " + secret.getType() + ", not " + TYPE_TLS);
        }
        String content = annotations.get(CONTENT_SHA256);
        if (content == null || !content.equals(contentHash(secret.getData()))) {
            return new Decision(Action.REISSUE, "data does not match " + CONTENT_SHA256 + " (damaged or edited)");
        }
        if (!expected.toString().equals(annotations.get(SPIFFE_ID))) {
            return new Decision(
                    Action.REISSUE, "identity changed from " + annotations.get(SPIFFE_ID) + " to " + expected);
        }
        if (!ca.signerFingerprint().equals(annotations.get(ISSUER_SHA256))) {
            return new Decision(Action.REISSUE, "issued by another CA than the current signer");
        }
        Instant renewAfter = instant(annotations.get(RENEW_AFTER));
        Instant notAfter = instant(annotations.get(NOT_AFTER));
        if (renewAfter == null || notAfter == null) {
            return new Decision(
                    Action.REISSUE, "annotation " + RENEW_AFTER + " or " + NOT_AFTER + " missing or unreadable");
        }
        if (!now.isBefore(renewAfter) || !now.isBefore(notAfter)) {
            return new Decision(Action.REISSUE, "renewal due since " + renewAfter);
        }
        if (!ca.bundleFingerprint().equals(annotations.get(BUNDLE_SHA256))) {
            return new Decision(Action.UPDATE_BUNDLE, "trust bundle changed");
        }
        return new Decision(Action.KEEP, "current");
    }

    static Secret issued(
            String namespace,
            String name,
            ServiceAccount owner,
            HeldCertificate leaf,
            MeshCa ca,
            SpiffeId id,
            Instant renewAfter,
            String resourceVersion) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put(TLS_CRT, CaSecrets.base64(leaf.chainPem()));
        data.put(TLS_KEY, CaSecrets.base64(leaf.privateKeyPem()));
        data.put(CA_CRT, CaSecrets.base64(Pem.encode(ca.bundleCertificates())));
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(SPIFFE_ID, id.toString());
        annotations.put(SERIAL, leaf.certificate().getSerialNumber().toString(16));
        annotations.put(NOT_AFTER, leaf.certificate().getNotAfter().toInstant().toString());
        annotations.put(RENEW_AFTER, renewAfter.toString());
        annotations.put(ISSUER_SHA256, ca.signerFingerprint());
        annotations.put(BUNDLE_SHA256, ca.bundleFingerprint());
        annotations.put(CONTENT_SHA256, contentHash(data));
        return new SecretBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withNamespace(namespace)
                        .withName(name)
                        .withResourceVersion(resourceVersion)
                        .addToLabels(LABEL_MANAGED_BY, MANAGED_BY)
                        .addToLabels(LABEL_COMPONENT, COMPONENT_WORKLOAD)
                        .addToLabels(LABEL_SERVICE_ACCOUNT, owner.getMetadata().getName())
                        .withAnnotations(annotations)
                        // Garbage-collected with its service account.
                        .withOwnerReferences(new OwnerReferenceBuilder()
                                .withApiVersion("v1")
                                .withKind("ServiceAccount")
                                .withName(owner.getMetadata().getName())
                                .withUid(owner.getMetadata().getUid())
                                .build())
                        .build())
                .withType(TYPE_TLS)
                .withData(data)
                .build();
    }

    /** The same Secret with only ca.crt (and the hashes describing it) replaced; the leaf is kept. */
    static Secret withBundle(Secret secret, MeshCa ca) {
        Map<String, String> data = new LinkedHashMap<>(secret.getData());
        data.put(CA_CRT, CaSecrets.base64(Pem.encode(ca.bundleCertificates())));
        Map<String, String> annotations =
                new LinkedHashMap<>(secret.getMetadata().getAnnotations());
        annotations.put(BUNDLE_SHA256, ca.bundleFingerprint());
        annotations.put(CONTENT_SHA256, contentHash(data));
        return new SecretBuilder(secret)
                .editMetadata()
                .withAnnotations(annotations)
                .endMetadata()
                .withData(data)
                .build();
    }

    static String contentHash(Map<String, String> data) {
        Map<String, String> relevant = new LinkedHashMap<>();
        Map<String, String> source = orEmpty(data);
        for (String key : new String[] {TLS_CRT, TLS_KEY, CA_CRT}) {
            relevant.put(key, source.get(key));
        }
        return Fingerprints.ofData(relevant);
    }

    static Instant instant(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Collections.emptyMap() : map;
    }
}
