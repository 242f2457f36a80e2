package io.meshless.injector.controller;

import static io.meshless.injector.controller.MeshlessMetadata.*;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.Pem;
import io.meshless.pki.PkiException;
import io.meshless.pki.SpiffeId;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate controller: keeps the mesh CA, one workload Secret per service account of
 * injected pods, this replica's webhook serving certificate and the webhook's caBundle current.
 *
 * <p>All work happens in passes on one thread, so passes never overlap; a pass is triggered by
 * informer events, the webhook's signal, leadership changes and a periodic resync. Every time
 * decision reads the injected {@link Clock}. Only the leader (Lease) writes to the API; every
 * replica writes its own serving certificate to its local directory.
 */
public final class CertificateController implements ServiceAccountDemand, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CertificateController.class);
    private static final int MAX_PENDING_DEMANDS = 10_000;
    private static final Duration PASS_TIMEOUT = Duration.ofSeconds(60);

    private final KubernetesClient client;
    private final ControllerConfig config;
    private final Clock clock;
    private final ScheduledExecutorService worker;
    private final AtomicBoolean passQueued = new AtomicBoolean();
    private final Set<ServiceAccountKey> demanded = ConcurrentHashMap.newKeySet();
    private final AtomicLong issued = new AtomicLong();
    private final CountDownLatch servingWritten = new CountDownLatch(1);
    private final Set<String> reportedProblems = ConcurrentHashMap.newKeySet();

    private volatile boolean leader;
    private volatile boolean closed;
    private volatile MeshCa ca;
    private volatile PkiException caProblem;
    private volatile SharedIndexInformer<Pod> pods;
    private volatile SharedIndexInformer<Secret> secrets;
    private volatile CompletableFuture<?> election;

    // Confined to the worker thread.
    private MeshCa lastCa;
    private String lastCaVersion;
    private String servingIssuer;
    private String servingBundle;
    private Instant servingRenewAfter;

    public CertificateController(KubernetesClient client, ControllerConfig config, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "meshless-controller");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts informers, leader election and the periodic resync. Returns at once. */
    public void start() {
        ResourceEventHandler<Pod> podEvents = new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                if (injected(pod)) {
                    trigger();
                }
            }

            @Override
            public void onUpdate(Pod before, Pod after) {
                if (injected(after) && !injected(before)) {
                    trigger();
                }
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {}
        };
        ResourceEventHandler<Secret> secretEvents = new ResourceEventHandler<>() {
            @Override
            public void onAdd(Secret s) {}

            @Override
            public void onUpdate(Secret before, Secret after) {
                trigger();
            }

            @Override
            public void onDelete(Secret s, boolean unknownFinalState) {
                trigger();
            }
        };
        long resync = config.resyncInterval().toMillis();
        // Only pods our webhook labelled are listed and watched: the API server filters, so the
        // cache and the event stream do not grow with the cluster's pods. The annotation is still
        // checked, since anyone can set a label (see injected(Pod)).
        pods = client.pods()
                .inAnyNamespace()
                .withLabel(POD_INJECTED_LABEL, POD_INJECTED_LABEL_VALUE)
                .inform(podEvents, resync);
        secrets = client.secrets()
                .inAnyNamespace()
                .withLabel(LABEL_MANAGED_BY, MANAGED_BY)
                .inform(secretEvents, resync);
        startElection();
        worker.scheduleWithFixedDelay(this::trigger, 0, resync, TimeUnit.MILLISECONDS);
    }

    private void startElection() {
        if (closed) {
            return;
        }
        CompletableFuture<?> running = client.leaderElector()
                .withConfig(new LeaderElectionConfigBuilder()
                        .withName(config.leaseName())
                        .withLock(new LeaseLock(config.namespace(), config.leaseName(), config.identity()))
                        .withLeaseDuration(config.leaseDuration())
                        .withRenewDeadline(config.renewDeadline())
                        .withRetryPeriod(config.retryPeriod())
                        .withReleaseOnCancel(true)
                        .withLeaderCallbacks(new LeaderCallbacks(
                                () -> {
                                    log.info("{} leads: this replica now writes certificates", config.identity());
                                    leader = true;
                                    trigger();
                                },
                                () -> {
                                    log.info("{} stopped leading", config.identity());
                                    leader = false;
                                },
                                newLeader -> log.debug("leader is {}", newLeader)))
                        .build())
                .build()
                .start();
        election = running;
        // LeaderElector returns after losing the lease: contend again unless closing.
        running.whenComplete((ok, failure) -> {
            leader = false;
            if (!closed) {
                worker.schedule(this::startElection, config.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    @Override
    public void serviceAccountAdmitted(String namespace, String serviceAccount, boolean dryRun) {
        // A dry run has no side effects: not even a Secret for a pod that will never exist.
        if (dryRun || namespace == null || namespace.isEmpty() || closed) {
            return;
        }
        String sa = serviceAccount == null || serviceAccount.isEmpty() ? "default" : serviceAccount;
        if (demanded.size() < MAX_PENDING_DEMANDS) {
            demanded.add(new ServiceAccountKey(namespace, sa));
        }
        if (leader) {
            trigger();
        }
    }

    /** Runs one pass now and waits for it; for {@code serve}'s startup and for tests. */
    public void reconcileNow() {
        try {
            worker.submit(this::pass).get(PASS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("controller pass failed: " + e.getMessage(), e);
        }
    }

    /** Blocks until this replica wrote its first serving certificate. */
    public boolean awaitServingCertificate(Duration timeout) throws InterruptedException {
        return servingWritten.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** CA loaded and valid, serving certificate written (if configured), informers synced. */
    public boolean ready() {
        SharedIndexInformer<Pod> p = pods;
        SharedIndexInformer<Secret> s = secrets;
        return ca != null
                && caProblem == null
                && (config.servingCertDir() == null || servingWritten.getCount() == 0)
                && p != null
                && p.hasSynced()
                && s != null
                && s.hasSynced();
    }

    /** namespace/name of the pods in the informer's cache; for tests that check what is watched. */
    List<String> cachedPods() {
        SharedIndexInformer<Pod> p = pods;
        return p == null ? List.of() : p.getStore().listKeys();
    }

    public boolean isLeader() {
        return leader;
    }

    /** Why the CA Secret was refused, naming the Secret and the field; empty when it is fine. */
    public Optional<PkiException> caProblem() {
        return Optional.ofNullable(caProblem);
    }

    public ControllerMetrics metrics() {
        Instant now = clock.instant();
        MeshCa current = ca;
        Map<String, Duration> expiries = new LinkedHashMap<>();
        SharedIndexInformer<Secret> s = secrets;
        if (s != null) {
            for (Secret secret : s.getStore().list()) {
                Map<String, String> a = secret.getMetadata().getAnnotations();
                Instant notAfter = a == null ? null : WorkloadSecrets.instant(a.get(NOT_AFTER));
                if (notAfter != null) {
                    expiries.put(
                            secret.getMetadata().getNamespace() + "/"
                                    + secret.getMetadata().getName(),
                            Duration.between(now, notAfter));
                }
            }
        }
        return new ControllerMetrics(
                issued.get(), current == null ? null : Duration.between(now, current.notAfter()), expiries, leader);
    }

    private void trigger() {
        if (closed) {
            return;
        }
        if (passQueued.compareAndSet(false, true)) {
            try {
                worker.execute(() -> {
                    passQueued.set(false);
                    pass();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                passQueued.set(false);
            }
        }
    }

    private void pass() {
        if (closed) {
            return;
        }
        try {
            MeshCa current = loadCa();
            if (current == null) {
                return;
            }
            if (leader && current.generated()) {
                current = advanceRotation(current);
            }
            ca = current;
            writeServingCertificate(current);
            if (leader) {
                reconcileWorkloads(current);
                reconcileWebhookBundle(current);
            }
        } catch (KubernetesClientException e) {
            // Conflicts and outages: the next pass (event or resync) tries again.
            log.warn("controller pass incomplete: {} (will retry)", e.getMessage());
        } catch (RuntimeException e) {
            log.error("controller pass failed (will retry)", e);
        }
    }

    // ---- mesh CA ----------------------------------------------------------------------------

    private MeshCa loadCa() {
        Secret secret = client.secrets()
                .inNamespace(config.namespace())
                .withName(config.caSecretName())
                .get();
        if (secret == null) {
            if (!leader) {
                log.debug("waiting for the leader to create {}", describeCa());
                return null;
            }
            return createCa();
        }
        String version = secret.getMetadata().getResourceVersion();
        MeshCa cached = lastCa;
        Instant now = clock.instant();
        if (cached != null
                && version != null
                && version.equals(lastCaVersion)
                && !now.isBefore(cached.signer().certificate().getNotBefore().toInstant())
                && now.isBefore(cached.notAfter())) {
            // Unchanged Secret and still valid: skip re-parsing and the key probe on every pass.
            return cached;
        }
        try {
            MeshCa read = CaSecrets.read(secret, clock);
            caProblem = null;
            lastCa = read;
            lastCaVersion = version;
            return read;
        } catch (PkiException e) {
            caProblem = e;
            ca = null;
            if (reportedProblems.add(e.getMessage())) {
                // Refused, not repaired: the Secret may be the user's, and overwriting it would lose their CA.
                log.error("mesh CA refused, issuing nothing until it is fixed: {}", e.getMessage());
            }
            return null;
        }
    }

    private MeshCa createCa() {
        HeldCertificate root = CertificateAuthority.createRoot(caName(), config.caLifetime(), config.caKeyType(), clock)
                .held();
        MeshCa created = MeshCa.generated(root);
        try {
            client.secrets()
                    .inNamespace(config.namespace())
                    .resource(CaSecrets.toSecret(config.namespace(), config.caSecretName(), created))
                    .create();
            log.info("created mesh CA {} in {}", root.certificate().getSubjectX500Principal(), describeCa());
            return created;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return null; // another replica was faster; the next pass reads theirs
            }
            throw e;
        }
    }

    /** One step of the rotation ({@link CaRotationPolicy}), written to the CA Secret before anything depends on it. */
    private MeshCa advanceRotation(MeshCa current) {
        MeshCa next = CaRotationPolicy.of(config)
                .next(
                        current,
                        clock.instant(),
                        () -> allWorkloadBundlesCurrent(current) && webhookBundleCurrent(current),
                        () -> CertificateAuthority.createRoot(caName(), config.caLifetime(), config.caKeyType(), clock)
                                .held())
                .orElse(null);
        if (next == null) {
            return current;
        }
        Secret existing = client.secrets()
                .inNamespace(config.namespace())
                .withName(config.caSecretName())
                .get();
        Secret updated = CaSecrets.toSecret(config.namespace(), config.caSecretName(), next);
        updated.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
        client.secrets().inNamespace(config.namespace()).resource(updated).update();
        logStep(next);
        return next;
    }

    private static void logStep(MeshCa next) {
        CaRotation rotation = next.rotation();
        if (rotation instanceof CaRotation.Publishing publishing) {
            log.info(
                    "CA rotation phase 1: publishing new CA {} in every bundle",
                    publishing.next().certificate().getSubjectX500Principal());
        } else if (rotation instanceof CaRotation.Retiring retiring) {
            log.info(
                    "CA rotation phase 2: leaves are now issued by {}; old CA retires after {}",
                    next.signer().certificate().getSubjectX500Principal(),
                    retiring.retireAfter());
        } else {
            log.info("CA rotation phase 3: the previous CA left the bundles; rotation complete");
        }
    }

    /** Listed fresh (not from the informer cache): the switch must never run ahead of a bundle. */
    private boolean allWorkloadBundlesCurrent(MeshCa current) {
        for (Secret s : client.secrets()
                .inAnyNamespace()
                .withLabel(LABEL_MANAGED_BY, MANAGED_BY)
                .withLabel(LABEL_COMPONENT, COMPONENT_WORKLOAD)
                .list()
                .getItems()) {
            Map<String, String> a = s.getMetadata().getAnnotations();
            if (a == null || !current.bundleFingerprint().equals(a.get(BUNDLE_SHA256))) {
                log.debug(
                        "CA rotation waits for the bundle of {}/{}",
                        s.getMetadata().getNamespace(),
                        s.getMetadata().getName());
                return false;
            }
        }
        return true;
    }

    private boolean webhookBundleCurrent(MeshCa current) {
        MutatingWebhookConfiguration mwc = webhookConfiguration();
        if (mwc == null) {
            return true;
        }
        String want = CaSecrets.base64(Pem.encode(current.bundleCertificates()));
        for (MutatingWebhook w : mwc.getWebhooks()) {
            if (w.getClientConfig() == null || !want.equals(w.getClientConfig().getCaBundle())) {
                return false;
            }
        }
        return true;
    }

    // ---- serving certificate (every replica) -------------------------------------------------

    private void writeServingCertificate(MeshCa current) {
        if (config.servingCertDir() == null) {
            return;
        }
        Instant now = clock.instant();
        if (current.signerFingerprint().equals(servingIssuer)
                && current.bundleFingerprint().equals(servingBundle)
                && now.isBefore(servingRenewAfter)) {
            return;
        }
        String svc = config.serviceName();
        String ns = config.namespace();
        HeldCertificate leaf = new CertificateAuthority(current.signer(), clock)
                .issue(LeafSpec.builder()
                        .commonName(svc + "." + ns + ".svc")
                        .dnsName(svc)
                        .dnsName(svc + "." + ns)
                        .dnsName(svc + "." + ns + ".svc")
                        .dnsName(svc + "." + ns + ".svc.cluster.local")
                        .keyType(io.meshless.pki.KeyType.EC_P256)
                        .lifetime(config.servingLifetime())
                        .notBefore(now)
                        .build());
        try {
            new ServingCertificateDirectory(config.servingCertDir()).write(leaf, current.bundle());
        } catch (PkiException e) {
            throw new IllegalStateException("cannot write the webhook serving certificate: " + e.getMessage(), e);
        }
        issued.incrementAndGet();
        servingIssuer = current.signerFingerprint();
        servingBundle = current.bundleFingerprint();
        servingRenewAfter = renewAfter(leaf.certificate());
        servingWritten.countDown();
        log.info(
                "wrote webhook serving certificate (serial {}, expires {}) to {}",
                leaf.certificate().getSerialNumber().toString(16),
                leaf.certificate().getNotAfter().toInstant(),
                config.servingCertDir());
    }

    // ---- workload Secrets (leader) ------------------------------------------------------------

    private void reconcileWorkloads(MeshCa current) {
        Set<ServiceAccountKey> wanted = new LinkedHashSet<>(demanded);
        for (Pod pod : pods.getStore().list()) {
            if (injected(pod)) {
                String sa = pod.getSpec() == null ? null : pod.getSpec().getServiceAccountName();
                wanted.add(new ServiceAccountKey(
                        pod.getMetadata().getNamespace(), sa == null || sa.isEmpty() ? "default" : sa));
            }
        }
        for (Secret s : secrets.getStore().list()) {
            Map<String, String> labels = s.getMetadata().getLabels();
            if (labels != null
                    && COMPONENT_WORKLOAD.equals(labels.get(LABEL_COMPONENT))
                    && labels.get(LABEL_SERVICE_ACCOUNT) != null) {
                wanted.add(new ServiceAccountKey(s.getMetadata().getNamespace(), labels.get(LABEL_SERVICE_ACCOUNT)));
            }
        }
        for (ServiceAccountKey key : wanted) {
            if (!leader || closed) {
                return;
            }
            try {
                if (reconcileWorkload(current, key)) {
                    demanded.remove(key);
                }
            } catch (KubernetesClientException e) {
                log.warn("could not update the Secret for {}: {} (will retry)", key, e.getMessage());
            }
        }
    }

    /** Returns true when the Secret is current (or cannot be ours), false to try again later. */
    private boolean reconcileWorkload(MeshCa current, ServiceAccountKey key) {
        Instant now = clock.instant();
        SpiffeId id = SpiffeId.forServiceAccount(config.trustDomain(), key.namespace, key.serviceAccount);
        String name = WorkloadSecretNames.forServiceAccount(key.serviceAccount);
        Secret cached = secrets.getStore().getByKey(key.namespace + "/" + name);
        if (cached != null && WorkloadSecrets.decide(cached, current, id, now).action == WorkloadSecrets.Action.KEEP) {
            return true;
        }
        // The cache may lag our own last write: decide again on a fresh read before writing.
        Secret fresh =
                client.secrets().inNamespace(key.namespace).withName(name).get();
        WorkloadSecrets.Decision decision = WorkloadSecrets.decide(fresh, current, id, now);
        switch (decision.action) {
            case KEEP:
                return true;
            case FOREIGN:
                if (reportedProblems.add("foreign " + key)) {
                    log.error("Secret {}/{} for {} {}", key.namespace, name, id, decision.reason);
                }
                return true;
            case UPDATE_BUNDLE:
                client.secrets()
                        .inNamespace(key.namespace)
                        .resource(WorkloadSecrets.withBundle(fresh, current))
                        .update();
                log.info("updated trust bundle of Secret {}/{}", key.namespace, name);
                return true;
            case REISSUE:
                ServiceAccount owner = client.serviceAccounts()
                        .inNamespace(key.namespace)
                        .withName(key.serviceAccount)
                        .get();
                if (owner == null) {
                    log.debug("service account {} does not exist (yet); no Secret", key);
                    return false;
                }
                HeldCertificate leaf = new CertificateAuthority(current.signer(), clock)
                        .issue(LeafSpec.builder()
                                .spiffeId(id)
                                .keyType(config.leafKeyType())
                                .lifetime(config.leafLifetime())
                                .notBefore(now)
                                .build());
                Secret secret = WorkloadSecrets.issued(
                        key.namespace,
                        name,
                        owner,
                        leaf,
                        current,
                        id,
                        renewAfter(leaf.certificate()),
                        fresh == null ? null : fresh.getMetadata().getResourceVersion());
                if (fresh == null) {
                    client.secrets().inNamespace(key.namespace).resource(secret).create();
                } else {
                    client.secrets().inNamespace(key.namespace).resource(secret).update();
                }
                issued.incrementAndGet();
                log.info(
                        "issued {} into Secret {}/{} (serial {}, expires {}): {}",
                        id,
                        key.namespace,
                        name,
                        leaf.certificate().getSerialNumber().toString(16),
                        leaf.certificate().getNotAfter().toInstant(),
                        decision.reason);
                return true;
            default:
                throw new IllegalStateException("unknown action " + decision.action);
        }
    }

    /** 2/3 of the lifetime plus jitter, so Secrets issued together do not all renew in the same second. */
    private Instant renewAfter(X509Certificate certificate) {
        Instant from = certificate.getNotBefore().toInstant();
        Duration lifetime = Duration.between(from, certificate.getNotAfter().toInstant());
        long jitterMillis = (long) (lifetime.toMillis()
                * config.renewalJitter()
                * ThreadLocalRandom.current().nextDouble());
        return from.plus(lifetime.multipliedBy(2).dividedBy(3)).plusMillis(jitterMillis);
    }

    // ---- webhook caBundle (leader) ------------------------------------------------------------

    private void reconcileWebhookBundle(MeshCa current) {
        MutatingWebhookConfiguration mwc = webhookConfiguration();
        if (mwc == null || webhookBundleCurrent(current)) {
            return;
        }
        String want = CaSecrets.base64(Pem.encode(current.bundleCertificates()));
        client.admissionRegistration()
                .v1()
                .mutatingWebhookConfigurations()
                .withName(config.webhookConfigurationName())
                .edit(m -> {
                    for (MutatingWebhook w : m.getWebhooks()) {
                        if (w.getClientConfig() == null) {
                            w.setClientConfig(
                                    new io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig());
                        }
                        w.getClientConfig().setCaBundle(want);
                    }
                    return m;
                });
        log.info("updated caBundle of MutatingWebhookConfiguration {}", config.webhookConfigurationName());
    }

    private MutatingWebhookConfiguration webhookConfiguration() {
        if (config.webhookConfigurationName() == null) {
            return null;
        }
        MutatingWebhookConfiguration mwc;
        try {
            mwc = client.admissionRegistration()
                    .v1()
                    .mutatingWebhookConfigurations()
                    .withName(config.webhookConfigurationName())
                    .get();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 403) {
                throw e;
            }
            // Not ours to manage (e.g. cert-manager's CA injector keeps it): neither write it nor wait for it.
            if (reportedProblems.add("webhook configuration forbidden")) {
                log.warn(
                        "not allowed to read MutatingWebhookConfiguration {}; its caBundle is left to whoever manages it",
                        config.webhookConfigurationName());
            }
            return null;
        }
        if (mwc == null && reportedProblems.add("no webhook configuration")) {
            log.warn(
                    "MutatingWebhookConfiguration {} not found; its caBundle is not managed until it exists",
                    config.webhookConfigurationName());
        }
        return mwc;
    }

    // ---- helpers ------------------------------------------------------------------------------

    /**
     * Both marks the webhook sets: the label (which the informer selects on) and the annotation
     * (the design's marker). A pod carrying only one did not come through our webhook. Pods
     * injected before the label existed are not watched; their Secrets are still renewed, since
     * every workload Secret in the Secret informer is reconciled.
     */
    private static boolean injected(Pod pod) {
        Map<String, String> a = pod.getMetadata().getAnnotations();
        Map<String, String> l = pod.getMetadata().getLabels();
        return a != null
                && POD_STATUS_INJECTED.equals(a.get(POD_STATUS))
                && l != null
                && POD_INJECTED_LABEL_VALUE.equals(l.get(POD_INJECTED_LABEL));
    }

    private String caName() {
        return "Meshless mesh CA " + config.trustDomain() + " "
                + clock.instant().getEpochSecond();
    }

    private String describeCa() {
        return CaSecrets.describe(config.namespace(), config.caSecretName());
    }

    @Override
    public void close() {
        closed = true;
        CompletableFuture<?> e = election;
        if (e != null) {
            e.cancel(true); // releaseOnCancel: the next replica takes over at its next retry
        }
        leader = false;
        if (pods != null) {
            pods.stop();
        }
        if (secrets != null) {
            secrets.stop();
        }
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    /** namespace + service account. */
    static final class ServiceAccountKey {
        final String namespace;
        final String serviceAccount;

        ServiceAccountKey(String namespace, String serviceAccount) {
            this.namespace = namespace;
            this.serviceAccount = serviceAccount;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ServiceAccountKey
                    && ((ServiceAccountKey) o).namespace.equals(namespace)
                    && ((ServiceAccountKey) o).serviceAccount.equals(serviceAccount);
        }

        @Override
        public int hashCode() {
            return namespace.hashCode() * 31 + serviceAccount.hashCode();
        }

        @Override
        public String toString() {
            return namespace + "/" + serviceAccount;
        }
    }
}
