package io.meshless.injector.controller;

import static io.meshless.injector.controller.MeshlessMetadata.*;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.meshless.pki.PkiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate controller: informers, leadership and the work queue. Each pass runs the
 * reconcilers in order: {@link MeshCaReconciler} (the mesh CA and its rotation), {@link
 * ServingCertificateReconciler} (this replica's webhook serving certificate), then on the leader
 * {@link WorkloadSecretReconciler} (one Secret per service account of injected pods), {@link
 * TrustBundleReconciler} (the trust bundle ConfigMaps), {@link WebhookBundleReconciler} (the
 * webhook's caBundle) and, when enabled, {@link PodCertificateReconciler} (Kubernetes Pod
 * Certificates for signer {@code meshless.io/workload}).
 *
 * <p>All work happens in passes on one thread, so passes never overlap; a pass is triggered by
 * informer events, the webhook's signal, leadership changes and a periodic resync. Every time
 * decision reads the injected {@link Clock}. Only the leader (Lease) writes to the API; every
 * replica writes its own serving certificate to its local directory.
 */
public final class CertificateController implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CertificateController.class);
    private static final Duration PASS_TIMEOUT = Duration.ofSeconds(60);

    private final KubernetesClient client;
    private final ControllerConfig config;
    private final Clock clock;
    private final ScheduledExecutorService worker;
    private final AtomicBoolean passQueued = new AtomicBoolean();
    private final MeshCaReconciler meshCa;
    private final ServingCertificateReconciler servingCertificate;
    private final WorkloadSecretReconciler workloadSecrets;
    private final WebhookBundleReconciler webhookBundle;
    private final PodCertificateReconciler podCertificates;
    private final TrustBundleReconciler trustBundles;

    private volatile boolean leader;
    private volatile boolean closed;
    private volatile SharedIndexInformer<Pod> pods;
    private volatile SharedIndexInformer<Secret> secrets;
    private volatile PodCertificateRequests podCertificateRequests;
    private volatile SharedIndexInformer<ServiceAccount> serviceAccounts;
    private volatile CompletableFuture<?> election;

    public CertificateController(KubernetesClient client, ControllerConfig config, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.workloadSecrets = new WorkloadSecretReconciler(client, config, clock);
        this.webhookBundle = new WebhookBundleReconciler(client, config.webhookConfigurationName());
        this.trustBundles = new TrustBundleReconciler(client, config, clock);
        this.meshCa = new MeshCaReconciler(
                client,
                config,
                clock,
                ca -> workloadSecrets.bundlesCurrent(ca) && webhookBundle.current(ca) && trustBundles.current(ca));
        this.servingCertificate = new ServingCertificateReconciler(config, clock);
        this.podCertificates = new PodCertificateReconciler(
                client, new PodCertificateSigning(config.trustDomain(), config.podCertificateMaxLifetime()), clock);
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "meshless-controller");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts informers, leader election and the periodic resync. Returns at once. */
    public void start() {
        ResourceEventHandler<Pod> podEvents = triggerOnArrival(CertificateController::injected);
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
        ResourceEventHandler<ServiceAccount> accountEvents = triggerOnArrival(CertificateController::wantsCertificate);
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
        // Annotations cannot be selected on server-side; ServiceAccounts are small and few per namespace.
        serviceAccounts = client.serviceAccounts().inAnyNamespace().inform(accountEvents, resync);
        if (config.podCertificateSigner()) {
            podCertificateRequests = new PodCertificateRequests(client, this::trigger, resync);
            podCertificateRequests.start();
        }
        trustBundles.start(this::trigger, resync);
        startElection();
        worker.scheduleWithFixedDelay(this::trigger, 0, resync, TimeUnit.MILLISECONDS);
    }

    /** A pass when an object starts to matter (added so, or updated into it); leaving needs none. */
    private <T> ResourceEventHandler<T> triggerOnArrival(Predicate<T> matters) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T object) {
                if (matters.test(object)) {
                    trigger();
                }
            }

            @Override
            public void onUpdate(T before, T after) {
                if (matters.test(after) && !matters.test(before)) {
                    trigger();
                }
            }

            @Override
            public void onDelete(T object, boolean unknownFinalState) {}
        };
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

    /**
     * The webhook admitted an injected pod of this service account (never for a dry run), so its
     * workload Secret should appear within seconds instead of at the next informer event. The
     * webhook's {@link io.meshless.injector.webhook.SecretDemand}: cheap, non-blocking, never throws.
     */
    public void serviceAccountNeedsSecret(String namespace, String serviceAccount) {
        if (namespace == null || namespace.isEmpty() || closed) {
            return;
        }
        workloadSecrets.demand(ServiceAccountKey.of(namespace, serviceAccount));
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
        return servingCertificate.awaitWritten(timeout);
    }

    /** CA loaded and valid, serving certificate written (if configured), informers synced. */
    public boolean ready() {
        SharedIndexInformer<Pod> p = pods;
        SharedIndexInformer<Secret> s = secrets;
        return meshCa.current() != null
                && meshCa.problem().isEmpty()
                && servingCertificate.ready()
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
        return meshCa.problem();
    }

    public ControllerMetrics metrics() {
        Instant now = clock.instant();
        MeshCa current = meshCa.current();
        Map<String, Duration> expiries = new LinkedHashMap<>();
        SharedIndexInformer<Secret> s = secrets;
        if (s != null) {
            for (Secret secret : s.getStore().list()) {
                Map<String, String> a = secret.getMetadata().getAnnotations();
                Instant notAfter = a == null ? null : WorkloadSecretContent.instant(a.get(NOT_AFTER));
                if (notAfter != null) {
                    expiries.put(
                            secret.getMetadata().getNamespace() + "/"
                                    + secret.getMetadata().getName(),
                            Duration.between(now, notAfter));
                }
            }
        }
        return new ControllerMetrics(
                servingCertificate.issued() + workloadSecrets.issued() + podCertificates.issued(),
                current == null ? Optional.empty() : Optional.of(Duration.between(now, current.notAfter())),
                expiries,
                leader);
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
            MeshCa current = meshCa.reconcile(leader);
            if (current == null) {
                return;
            }
            servingCertificate.reconcile(current);
            if (leader) {
                List<Pod> injectedPods = new ArrayList<>();
                for (Pod pod : pods.getStore().list()) {
                    if (injected(pod)) {
                        injectedPods.add(pod);
                    }
                }
                List<ServiceAccountKey> annotated = new ArrayList<>();
                for (ServiceAccount account : serviceAccounts.getStore().list()) {
                    if (wantsCertificate(account)) {
                        annotated.add(ServiceAccountKey.of(
                                account.getMetadata().getNamespace(),
                                account.getMetadata().getName()));
                    }
                }
                workloadSecrets.reconcile(
                        current, injectedPods, annotated, secrets.getStore(), () -> leader && !closed);
                trustBundles.reconcile(current, injectedPods, () -> leader && !closed);
                webhookBundle.reconcile(current);
                PodCertificateRequests requests = podCertificateRequests;
                if (requests != null) {
                    podCertificates.reconcile(current, requests, () -> leader && !closed);
                }
            }
        } catch (KubernetesClientException e) {
            // Conflicts and outages: the next pass (event or resync) tries again.
            log.warn("controller pass incomplete: {} (will retry)", e.getMessage());
        } catch (RuntimeException e) {
            log.error("controller pass failed (will retry)", e);
        }
    }

    /**
     * Both marks the webhook sets: the label (which the informer selects on) and the annotation
     * (the design's marker). A pod carrying only one did not come through our webhook. Pods
     * injected before the label existed are not watched; their Secrets are still renewed, since
     * every workload Secret in the Secret informer is reconciled.
     */
    /** {@code meshless.io/certificate: "true"}: a Secret for this account even without injected pods. */
    private static boolean wantsCertificate(ServiceAccount account) {
        Map<String, String> a = account.getMetadata().getAnnotations();
        return a != null
                && "true"
                        .equalsIgnoreCase(String.valueOf(a.get(SERVICE_ACCOUNT_CERTIFICATE))
                                .trim());
    }

    static boolean injected(Pod pod) {
        Map<String, String> a = pod.getMetadata().getAnnotations();
        Map<String, String> l = pod.getMetadata().getLabels();
        return a != null
                && POD_STATUS_INJECTED.equals(a.get(POD_STATUS))
                && l != null
                && POD_INJECTED_LABEL_VALUE.equals(l.get(POD_INJECTED_LABEL));
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
        if (podCertificateRequests != null) {
            podCertificateRequests.close();
        }
        if (serviceAccounts != null) {
            serviceAccounts.stop();
        }
        trustBundles.close();
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }
}
