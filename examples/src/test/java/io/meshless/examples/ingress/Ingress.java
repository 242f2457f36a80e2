package io.meshless.examples.ingress;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The parts of a {@code networking.k8s.io/v1} Ingress that ingress-nginx turns into the TLS
 * directives under test: one host, its {@code spec.tls} Secret, one backend, and the
 * {@code nginx.ingress.kubernetes.io/*} annotations (written here without the prefix).
 */
final class Ingress {

    static final String ANNOTATION_PREFIX = "nginx.ingress.kubernetes.io/";

    private final String namespace;
    private final String host;
    private final String tlsSecretName;
    private final int backendPort;
    private final Map<String, String> annotations;

    private Ingress(
            String namespace, String host, String tlsSecretName, int backendPort, Map<String, String> annotations) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.host = Objects.requireNonNull(host, "host");
        this.tlsSecretName = Objects.requireNonNull(tlsSecretName, "tlsSecretName");
        this.backendPort = backendPort;
        this.annotations = Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
    }

    /** An Ingress in {@code namespace} for {@code host} over HTTPS with {@code tlsSecretName}, no annotations yet. */
    static Ingress of(String namespace, String host, String tlsSecretName, int backendPort) {
        return new Ingress(namespace, host, tlsSecretName, backendPort, Map.of());
    }

    /** The same Ingress with annotation {@code nginx.ingress.kubernetes.io/<name>} set. */
    Ingress annotate(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(annotations);
        copy.put(name, value);
        return new Ingress(namespace, host, tlsSecretName, backendPort, copy);
    }

    /** The same Ingress without every annotation whose name starts with {@code prefix}. */
    Ingress withoutAnnotations(String prefix) {
        Map<String, String> copy = new LinkedHashMap<>(annotations);
        copy.keySet().removeIf(name -> name.startsWith(prefix));
        return new Ingress(namespace, host, tlsSecretName, backendPort, copy);
    }

    String namespace() {
        return namespace;
    }

    String host() {
        return host;
    }

    String tlsSecretName() {
        return tlsSecretName;
    }

    /** The port of the backend Service's endpoint on loopback. */
    int backendPort() {
        return backendPort;
    }

    /** Annotation names without the {@link #ANNOTATION_PREFIX}. */
    Map<String, String> annotations() {
        return annotations;
    }
}
