package io.meshless.injector.controller;

import static io.meshless.injector.controller.MeshlessMetadata.*;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Store;
import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.SpiffeId;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one workload Secret per service account that needs one (leader only): of injected pods,
 * of accounts annotated {@code meshless.io/certificate: "true"}, of admissions the webhook reported, and of every workload Secret already there, so Secrets are
 * renewed even when no pod is watched. What to do with each Secret is {@link WorkloadSecretContent#decide}'s call.
 */
final class WorkloadSecretReconciler {

    private static final Logger log = LoggerFactory.getLogger(WorkloadSecretReconciler.class);
    private static final int MAX_PENDING_DEMANDS = 10_000;

    private final KubernetesClient client;
    private final ControllerConfig config;
    private final Clock clock;
    private final Set<ServiceAccountKey> demanded = ConcurrentHashMap.newKeySet();
    private final AtomicLong issued = new AtomicLong();
    private final Set<String> reportedProblems = ConcurrentHashMap.newKeySet();
    private final ControllerEvents events;

    WorkloadSecretReconciler(KubernetesClient client, ControllerConfig config, Clock clock) {
        this.client = client;
        this.config = config;
        this.clock = clock;
        this.events = new ControllerEvents(client, clock);
    }

    /** Remembers a service account the webhook admitted a pod of, until its Secret is current. Bounded. */
    void demand(ServiceAccountKey key) {
        if (demanded.size() < MAX_PENDING_DEMANDS) {
            demanded.add(key);
        }
    }

    /**
     * @param injectedPods the cached pods that came through our webhook
     * @param annotatedAccounts service accounts annotated {@code meshless.io/certificate: "true"}
     * @param cachedSecrets the informer's cache of managed Secrets
     * @param carryOn false once this replica stopped leading or is closing: stop writing
     */
    void reconcile(
            MeshCa current,
            Collection<Pod> injectedPods,
            Collection<ServiceAccountKey> annotatedAccounts,
            Store<Secret> cachedSecrets,
            BooleanSupplier carryOn) {
        Set<ServiceAccountKey> wanted = new LinkedHashSet<>(demanded);
        wanted.addAll(annotatedAccounts);
        for (Pod pod : injectedPods) {
            if (PodCertificateReconciler.mountsPodCertificate(pod)) {
                continue; // kubelet holds its key; the signer answers its requests, no Secret
            }
            String sa = pod.getSpec() == null ? null : pod.getSpec().getServiceAccountName();
            wanted.add(ServiceAccountKey.of(pod.getMetadata().getNamespace(), sa));
        }
        for (Secret s : cachedSecrets.list()) {
            Map<String, String> labels = s.getMetadata().getLabels();
            if (labels != null
                    && COMPONENT_WORKLOAD.equals(labels.get(LABEL_COMPONENT))
                    && labels.get(LABEL_SERVICE_ACCOUNT) != null) {
                wanted.add(new ServiceAccountKey(s.getMetadata().getNamespace(), labels.get(LABEL_SERVICE_ACCOUNT)));
            }
        }
        for (ServiceAccountKey key : wanted) {
            if (!carryOn.getAsBoolean()) {
                return;
            }
            try {
                if (reconcile(current, key, cachedSecrets)) {
                    demanded.remove(key);
                }
            } catch (KubernetesClientException e) {
                log.warn("could not update the Secret for {}: {} (will retry)", key, e.getMessage());
                events.warning(
                        key,
                        EventReasons.WORKLOAD_CERTIFICATE_FAILED,
                        "meshless could not write Secret "
                                + WorkloadSecretNames.forServiceAccount(key.serviceAccount()) + ": "
                                + e.getMessage() + " (will retry)");
            } catch (RuntimeException e) {
                // One service account must never stop the others or the pass.
                log.error("could not issue a certificate for {} (will retry)", key, e);
                events.warning(
                        key,
                        EventReasons.CERTIFICATE_ISSUE_FAILED,
                        "meshless could not issue a certificate for this service account: " + e.getMessage()
                                + " (will retry)");
            }
        }
    }

    /**
     * Whether every workload Secret holds the CA's bundle. Listed fresh, not from the informer
     * cache: the CA rotation must never run ahead of a bundle.
     */
    boolean bundlesCurrent(MeshCa current) {
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

    /** Workload certificates this replica issued since it started. */
    long issued() {
        return issued.get();
    }

    /** Returns true when the Secret is current (or cannot be ours), false to try again later. */
    private boolean reconcile(MeshCa current, ServiceAccountKey key, Store<Secret> cachedSecrets) {
        Instant now = clock.instant();
        String namespace = key.namespace();
        SpiffeId id = SpiffeId.forServiceAccount(config.trustDomain(), namespace, key.serviceAccount());
        String name = WorkloadSecretNames.forServiceAccount(key.serviceAccount());
        Secret cached = cachedSecrets.getByKey(namespace + "/" + name);
        if (cached != null
                && WorkloadSecretContent.decide(cached, current, id, now).action == WorkloadSecretContent.Action.KEEP) {
            return true;
        }
        // The cache may lag our own last write: decide again on a fresh read before writing.
        Secret fresh = client.secrets().inNamespace(namespace).withName(name).get();
        WorkloadSecretContent.Decision decision = WorkloadSecretContent.decide(fresh, current, id, now);
        switch (decision.action) {
            case KEEP:
                return true;
            case FOREIGN:
                if (reportedProblems.add("foreign " + key)) {
                    log.error("Secret {}/{} for {} {}", namespace, name, id, decision.reason);
                    events.warning(
                            key,
                            EventReasons.WORKLOAD_SECRET_NOT_MANAGED,
                            "Secret " + name + " exists but " + decision.reason
                                    + ": meshless issues no certificate for this service account until it is"
                                    + " removed or renamed");
                }
                return true;
            case UPDATE_BUNDLE:
                client.secrets()
                        .inNamespace(namespace)
                        .resource(WorkloadSecretContent.withBundle(fresh, current))
                        .update();
                log.info("updated trust bundle of Secret {}/{}", namespace, name);
                return true;
            case REISSUE:
                return reissue(current, key, name, id, fresh, decision, now);
            default:
                throw new IllegalStateException("unknown action " + decision.action);
        }
    }

    private boolean reissue(
            MeshCa current,
            ServiceAccountKey key,
            String name,
            SpiffeId id,
            Secret fresh,
            WorkloadSecretContent.Decision decision,
            Instant now) {
        String namespace = key.namespace();
        ServiceAccount owner = client.serviceAccounts()
                .inNamespace(namespace)
                .withName(key.serviceAccount())
                .get();
        if (owner == null) {
            log.debug("service account {} does not exist (yet); no Secret", key);
            return false;
        }
        LeafSpec.Builder spec = LeafSpec.builder()
                .spiffeId(id)
                .keyType(config.leafKeyType())
                .lifetime(config.leafLifetime())
                .notBefore(now);
        // For clients that verify a name, not a SPIFFE ID (nginx proxy_ssl_name, Go, curl).
        id.serviceAccountDnsName().ifPresent(spec::dnsName);
        HeldCertificate leaf = new CertificateAuthority(current.signer(), clock).issue(spec.build());
        Secret secret = WorkloadSecretContent.issued(
                namespace,
                name,
                owner,
                leaf,
                current,
                id,
                RenewalTime.of(leaf.certificate(), config.renewalJitter()),
                fresh == null ? null : fresh.getMetadata().getResourceVersion());
        if (fresh == null) {
            client.secrets().inNamespace(namespace).resource(secret).create();
        } else {
            client.secrets().inNamespace(namespace).resource(secret).update();
        }
        issued.incrementAndGet();
        log.info(
                "issued {} into Secret {}/{} (serial {}, expires {}): {}",
                id,
                namespace,
                name,
                leaf.certificate().getSerialNumber().toString(16),
                leaf.certificate().getNotAfter().toInstant(),
                decision.reason);
        return true;
    }
}
