package io.meshless.injector.controller;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.PkiException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the mesh CA: reads and validates its Secret (created at first start by the leader when
 * absent) and, on the leader, advances the rotation of a generated CA as {@link CaRotationPolicy}
 * decides. A refused Secret is reported once and never repaired: it may be the user's.
 */
final class MeshCaReconciler {

    private static final Logger log = LoggerFactory.getLogger(MeshCaReconciler.class);

    private final KubernetesClient client;
    private final ControllerConfig config;
    private final Clock clock;
    private final CaRotationPolicy rotation;
    private final Predicate<MeshCa> bundlesCurrent;
    private final Set<String> reportedProblems = ConcurrentHashMap.newKeySet();
    private final ControllerEvents events;

    private volatile MeshCa current;
    private volatile PkiException problem;

    // Confined to the controller's worker thread.
    private MeshCa lastRead;
    private String lastReadVersion;

    /**
     * @param bundlesCurrent whether every bundle the controller writes holds the given CA's bundle;
     *     the rotation waits for it before the next CA signs
     */
    MeshCaReconciler(KubernetesClient client, ControllerConfig config, Clock clock, Predicate<MeshCa> bundlesCurrent) {
        this.client = client;
        this.config = config;
        this.clock = clock;
        this.rotation = CaRotationPolicy.of(config);
        this.bundlesCurrent = bundlesCurrent;
        this.events = new ControllerEvents(client, clock);
    }

    /** The CA to issue with in this pass, or null when there is none (yet) or it was refused. */
    MeshCa reconcile(boolean leader) {
        MeshCa read = load(leader);
        if (read == null) {
            return null;
        }
        if (leader) {
            read = advanceRotation(read);
        }
        current = read;
        return read;
    }

    /** The CA of the last successful pass; null before it is loaded or once it was refused. */
    MeshCa current() {
        return current;
    }

    /** Why the CA Secret was refused, naming the Secret and the field; empty when it is fine. */
    Optional<PkiException> problem() {
        return Optional.ofNullable(problem);
    }

    private MeshCa load(boolean leader) {
        Secret secret;
        try {
            secret = client.secrets()
                    .inNamespace(config.namespace())
                    .withName(config.caSecretName())
                    .get();
        } catch (KubernetesClientException e) {
            if (leader) {
                warnOwnPod("read", e);
            }
            throw e;
        }
        if (secret == null) {
            if (!leader) {
                log.debug("waiting for the leader to create {}", describe());
                return null;
            }
            return create();
        }
        String version = secret.getMetadata().getResourceVersion();
        MeshCa cached = lastRead;
        Instant now = clock.instant();
        if (cached != null
                && version != null
                && version.equals(lastReadVersion)
                && !now.isBefore(cached.signer().certificate().getNotBefore().toInstant())
                && now.isBefore(cached.notAfter())) {
            // Unchanged Secret and still valid: skip re-parsing and the key probe on every pass.
            return cached;
        }
        try {
            MeshCa read = CaSecrets.read(secret, clock);
            problem = null;
            lastRead = read;
            lastReadVersion = version;
            return read;
        } catch (PkiException e) {
            problem = e;
            current = null;
            if (reportedProblems.add(e.getMessage())) {
                // Refused, not repaired: the Secret may be the user's, and overwriting it would lose their CA.
                log.error("mesh CA refused, issuing nothing until it is fixed: {}", e.getMessage());
            }
            if (leader) {
                events.warning(
                        secret,
                        EventReasons.MESH_CA_REFUSED,
                        "mesh CA refused, meshless issues no certificate until it is fixed: " + e.getMessage());
            }
            return null;
        }
    }

    private MeshCa create() {
        HeldCertificate root = newRoot();
        MeshCa created = MeshCa.generated(root);
        try {
            client.secrets()
                    .inNamespace(config.namespace())
                    .resource(CaSecrets.toSecret(config.namespace(), config.caSecretName(), created))
                    .create();
            log.info("created mesh CA {} in {}", root.certificate().getSubjectX500Principal(), describe());
            return created;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return null; // another replica was faster; the next pass reads theirs
            }
            warnOwnPod("create", e);
            throw e;
        }
    }

    /** No CA Secret to describe: the Event goes to this replica's pod. */
    private void warnOwnPod(String verb, KubernetesClientException e) {
        events.warningOnPod(
                config.namespace(),
                config.identity(),
                null,
                EventReasons.MESH_CA_FAILED,
                "meshless could not " + verb + " the mesh CA " + describe() + ": " + e.getMessage() + " (will retry)");
    }

    /** One step of the rotation, written to the CA Secret before anything depends on it. */
    private MeshCa advanceRotation(MeshCa read) {
        Optional<MeshCa> step = rotation.next(read, clock.instant(), () -> bundlesCurrent.test(read), this::newRoot);
        if (step.isEmpty()) {
            return read;
        }
        MeshCa next = step.get();
        Secret existing = client.secrets()
                .inNamespace(config.namespace())
                .withName(config.caSecretName())
                .get();
        Secret updated = CaSecrets.toSecret(config.namespace(), config.caSecretName(), next);
        updated.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
        try {
            client.secrets().inNamespace(config.namespace()).resource(updated).update();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) { // a conflict is retried by the next pass, no problem to report
                events.warning(
                        existing,
                        EventReasons.MESH_CA_FAILED,
                        "meshless could not write the next CA rotation step ("
                                + next.phase().label() + "): " + e.getMessage() + " (will retry)");
            }
            throw e;
        }
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

    private HeldCertificate newRoot() {
        String name = "Meshless mesh CA " + config.trustDomain() + " "
                + clock.instant().getEpochSecond();
        return CertificateAuthority.createRoot(name, config.caLifetime(), config.caKeyType(), clock)
                .held();
    }

    String describe() {
        return CaSecrets.describe(config.namespace(), config.caSecretName());
    }
}
