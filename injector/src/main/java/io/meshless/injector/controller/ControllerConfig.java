package io.meshless.injector.controller;

import io.meshless.pki.KeyType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/** Settings of the certificate controller. Immutable; defaults match the design document. */
public final class ControllerConfig {

    /**
     * The key type of workload certificates unless {@code serve --workload-key-type} says otherwise:
     * the Secrets' keys, and the key kubelet is asked to generate for Pod Certificates.
     */
    public static final KeyType DEFAULT_WORKLOAD_KEY_TYPE = KeyType.EC_P256;

    private final String namespace;
    private final String identity;
    private final String caSecretName;
    private final String trustDomain;
    private final String serviceName;
    private final String webhookConfigurationName;
    private final Path servingCertDir;
    private final String leaseName;
    private final Duration leafLifetime;
    private final KeyType leafKeyType;
    private final Duration servingLifetime;
    private final Duration caLifetime;
    private final KeyType caKeyType;
    private final double renewalJitter;
    private final Duration bundlePropagationDelay;
    private final Duration resyncInterval;
    private final Duration leaseDuration;
    private final Duration renewDeadline;
    private final Duration retryPeriod;
    private final boolean podCertificateSigner;
    private final Duration podCertificateMaxLifetime;
    private final boolean trustBundleAllNamespaces;

    private ControllerConfig(Builder b) {
        this.namespace = require(b.namespace, "namespace");
        this.identity = require(b.identity, "identity");
        this.caSecretName = require(b.caSecretName, "caSecretName");
        this.trustDomain = require(b.trustDomain, "trustDomain");
        this.serviceName = require(b.serviceName, "serviceName");
        this.webhookConfigurationName = b.webhookConfigurationName;
        this.servingCertDir = b.servingCertDir;
        this.leaseName = require(b.leaseName, "leaseName");
        this.leafLifetime = positive(b.leafLifetime, "leafLifetime");
        this.leafKeyType = Objects.requireNonNull(b.leafKeyType, "leafKeyType");
        this.servingLifetime = positive(b.servingLifetime, "servingLifetime");
        this.caLifetime = positive(b.caLifetime, "caLifetime");
        this.caKeyType = Objects.requireNonNull(b.caKeyType, "caKeyType");
        if (b.renewalJitter < 0 || b.renewalJitter > 0.3) {
            throw new IllegalArgumentException(
                    "renewalJitter must be within 0..0.3 of the lifetime, was " + b.renewalJitter);
        }
        this.renewalJitter = b.renewalJitter;
        this.bundlePropagationDelay = Objects.requireNonNull(b.bundlePropagationDelay, "bundlePropagationDelay");
        this.resyncInterval = positive(b.resyncInterval, "resyncInterval");
        this.leaseDuration = positive(b.leaseDuration, "leaseDuration");
        this.renewDeadline = positive(b.renewDeadline, "renewDeadline");
        this.retryPeriod = positive(b.retryPeriod, "retryPeriod");
        this.podCertificateSigner = b.podCertificateSigner;
        this.podCertificateMaxLifetime = positive(b.podCertificateMaxLifetime, "podCertificateMaxLifetime");
        this.trustBundleAllNamespaces = b.trustBundleAllNamespaces;
        if (podCertificateMaxLifetime.compareTo(PodCertificateSigning.MIN_LIFETIME) < 0) {
            throw new IllegalArgumentException("podCertificateMaxLifetime " + podCertificateMaxLifetime
                    + " is below the Kubernetes minimum of one hour for pod certificates");
        }
        if (caLifetime.compareTo(leafLifetime.multipliedBy(3)) < 0) {
            throw new IllegalArgumentException("caLifetime " + caLifetime + " must be at least three leaf lifetimes ("
                    + leafLifetime + ") so a rotation can finish before the CA expires");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public String namespace() {
        return namespace;
    }

    public String identity() {
        return identity;
    }

    public String caSecretName() {
        return caSecretName;
    }

    public String trustDomain() {
        return trustDomain;
    }

    public String serviceName() {
        return serviceName;
    }
    /** Null: no MutatingWebhookConfiguration is kept current. */
    public String webhookConfigurationName() {
        return webhookConfigurationName;
    }
    /** Null: this replica writes no serving certificate. */
    public Path servingCertDir() {
        return servingCertDir;
    }

    public String leaseName() {
        return leaseName;
    }

    public Duration leafLifetime() {
        return leafLifetime;
    }

    public KeyType leafKeyType() {
        return leafKeyType;
    }

    public Duration servingLifetime() {
        return servingLifetime;
    }

    public Duration caLifetime() {
        return caLifetime;
    }

    public KeyType caKeyType() {
        return caKeyType;
    }
    /** Renewal happens at 2/3 of the lifetime plus up to this fraction of the lifetime, chosen at random. */
    public double renewalJitter() {
        return renewalJitter;
    }
    /** How long a new CA sits in every bundle before leaves switch to it (kubelet sync + agent reload). */
    public Duration bundlePropagationDelay() {
        return bundlePropagationDelay;
    }

    public Duration resyncInterval() {
        return resyncInterval;
    }

    public Duration leaseDuration() {
        return leaseDuration;
    }

    public Duration renewDeadline() {
        return renewDeadline;
    }

    public Duration retryPeriod() {
        return retryPeriod;
    }

    /** Whether the leader signs PodCertificateRequests for {@link MeshlessMetadata#POD_CERTIFICATE_SIGNER}. */
    public boolean podCertificateSigner() {
        return podCertificateSigner;
    }

    /** The longest pod certificate issued, whatever a request asks (default 24 hours). */
    public Duration podCertificateMaxLifetime() {
        return podCertificateMaxLifetime;
    }

    /**
     * Whether the trust bundle ConfigMap is published in every namespace, not only in those that
     * opted in (labelled, or running injected pods).
     */
    public boolean trustBundleAllNamespaces() {
        return trustBundleAllNamespaces;
    }

    private static String require(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("controller setting " + name + " is empty");
        }
        return value;
    }

    private static Duration positive(Duration value, String name) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException("controller setting " + name + " must be positive, was " + value);
        }
        return value;
    }

    public static final class Builder {
        private String namespace;
        private String identity;
        private String caSecretName = "meshless-ca";
        private String trustDomain = "cluster.local";
        private String serviceName = "meshless-injector";
        private String webhookConfigurationName = "meshless-injector";
        private Path servingCertDir = Path.of("/var/run/meshless/webhook-certs");
        private String leaseName = "meshless-injector-controller";
        private Duration leafLifetime = Duration.ofHours(24);
        private KeyType leafKeyType = DEFAULT_WORKLOAD_KEY_TYPE;
        private Duration servingLifetime = Duration.ofHours(24);
        private Duration caLifetime = Duration.ofDays(365);
        private KeyType caKeyType = KeyType.EC_P256;
        private double renewalJitter = 0.05;
        private Duration bundlePropagationDelay = Duration.ofMinutes(5);
        private Duration resyncInterval = Duration.ofSeconds(30);
        private Duration leaseDuration = Duration.ofSeconds(15);
        private Duration renewDeadline = Duration.ofSeconds(10);
        private Duration retryPeriod = Duration.ofSeconds(2);
        private boolean podCertificateSigner;
        private Duration podCertificateMaxLifetime = Duration.ofHours(24);
        private boolean trustBundleAllNamespaces;

        private Builder() {}

        public Builder namespace(String v) {
            namespace = v;
            return this;
        }

        public Builder podCertificateSigner(boolean v) {
            podCertificateSigner = v;
            return this;
        }

        public Builder podCertificateMaxLifetime(Duration v) {
            podCertificateMaxLifetime = v;
            return this;
        }

        public Builder trustBundleAllNamespaces(boolean v) {
            trustBundleAllNamespaces = v;
            return this;
        }

        public Builder identity(String v) {
            identity = v;
            return this;
        }

        public Builder caSecretName(String v) {
            caSecretName = v;
            return this;
        }

        public Builder trustDomain(String v) {
            trustDomain = v;
            return this;
        }

        public Builder serviceName(String v) {
            serviceName = v;
            return this;
        }

        public Builder webhookConfigurationName(String v) {
            webhookConfigurationName = v;
            return this;
        }

        public Builder servingCertDir(Path v) {
            servingCertDir = v;
            return this;
        }

        public Builder leaseName(String v) {
            leaseName = v;
            return this;
        }

        public Builder leafLifetime(Duration v) {
            leafLifetime = v;
            return this;
        }

        public Builder leafKeyType(KeyType v) {
            leafKeyType = v;
            return this;
        }

        public Builder servingLifetime(Duration v) {
            servingLifetime = v;
            return this;
        }

        public Builder caLifetime(Duration v) {
            caLifetime = v;
            return this;
        }

        public Builder caKeyType(KeyType v) {
            caKeyType = v;
            return this;
        }

        public Builder renewalJitter(double v) {
            renewalJitter = v;
            return this;
        }

        public Builder bundlePropagationDelay(Duration v) {
            bundlePropagationDelay = v;
            return this;
        }

        public Builder resyncInterval(Duration v) {
            resyncInterval = v;
            return this;
        }

        public Builder leaseDuration(Duration v) {
            leaseDuration = v;
            return this;
        }

        public Builder renewDeadline(Duration v) {
            renewDeadline = v;
            return this;
        }

        public Builder retryPeriod(Duration v) {
            retryPeriod = v;
            return this;
        }

        public ControllerConfig build() {
            return new ControllerConfig(this);
        }
    }
}
