package io.meshless.injector.controller;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.meshless.injector.controller.PodCertificateAnswer.Issued;
import io.meshless.injector.controller.PodCertificateAnswer.Refused;
import io.meshless.pki.Pem;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers PodCertificateRequests for {@link MeshlessMetadata#POD_CERTIFICATE_SIGNER} (leader only):
 * each pending request gets a certificate or a Denied/Failed condition, written through the status
 * subresource of the version the cluster serves ({@link PodCertificateRequests}). Requests for other
 * signers are not touched. What to answer is {@link PodCertificateSigning}'s call, on the request's
 * claim and the pod, service account and node the API server holds under its names; a request that
 * cannot be answered now (API error) stays pending for the next pass.
 */
final class PodCertificateReconciler {

    private static final Logger log = LoggerFactory.getLogger(PodCertificateReconciler.class);

    private final KubernetesClient client;
    private final PodCertificateSigning signing;
    private final Clock clock;
    private final AtomicLong issued = new AtomicLong();
    private final ControllerEvents events;

    PodCertificateReconciler(KubernetesClient client, PodCertificateSigning signing, Clock clock) {
        this.client = client;
        this.signing = signing;
        this.clock = clock;
        this.events = new ControllerEvents(client, clock);
    }

    /** @param carryOn false once this replica stopped leading or is closing: stop writing */
    void reconcile(MeshCa current, PodCertificateRequests requests, BooleanSupplier carryOn) {
        Collection<PodCertificateClaim> claims = requests.current();
        for (PodCertificateClaim claim : claims) {
            if (!carryOn.getAsBoolean()) {
                return;
            }
            if (!claim.ours() || claim.answered()) {
                continue;
            }
            try {
                answer(current, claim, requests);
            } catch (KubernetesClientException e) {
                log.warn("could not answer PodCertificateRequest {}: {} (will retry)", claim.key(), e.getMessage());
                warnPod(
                        claim,
                        requests,
                        EventReasons.POD_CERTIFICATE_FAILED,
                        "meshless could not answer PodCertificateRequest " + claim.name() + ": " + e.getMessage()
                                + " (will retry)");
            } catch (RuntimeException e) {
                // One request must never stop the others or the pass.
                log.error("PodCertificateRequest {} could not be signed (will retry)", claim.key(), e);
                warnPod(
                        claim,
                        requests,
                        EventReasons.POD_CERTIFICATE_FAILED,
                        "meshless could not sign PodCertificateRequest " + claim.name() + ": " + e + " (will retry)");
            }
        }
    }

    /** Pod certificates this replica issued since it started. */
    long issued() {
        return issued.get();
    }

    /** Whether the pod's certificate comes from a Pod Certificate projection naming our signer. */
    static boolean mountsPodCertificate(Pod pod) {
        if (pod.getSpec() == null || pod.getSpec().getVolumes() == null) {
            return false;
        }
        for (Volume volume : pod.getSpec().getVolumes()) {
            if (volume.getProjected() == null || volume.getProjected().getSources() == null) {
                continue;
            }
            for (VolumeProjection source : volume.getProjected().getSources()) {
                if (source.getPodCertificate() != null
                        && MeshlessMetadata.POD_CERTIFICATE_SIGNER.equals(
                                source.getPodCertificate().getSignerName())) {
                    return true;
                }
            }
        }
        return false;
    }

    private void answer(MeshCa current, PodCertificateClaim claim, PodCertificateRequests requests) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        PodCertificateAnswer answer = signing.decide(claim, subjects(claim), current, now);
        Map<String, Object> status = new LinkedHashMap<>();
        if (answer instanceof Issued i) {
            status.put("certificateChain", Pem.encode(i.chain()));
            status.put("notBefore", i.notBefore().toString());
            status.put("beginRefreshAt", i.beginRefreshAt().toString());
            status.put("notAfter", i.notAfter().toString());
        } else {
            status.put("conditions", List.of(condition((Refused) answer, claim, now)));
        }
        requests.writeStatus(claim, status);
        if (answer instanceof Issued i) {
            issued.incrementAndGet();
            log.info(
                    "issued pod certificate for {} (request {}, serial {}, expires {})",
                    claim.namespace() + "/" + claim.podName(),
                    claim.key(),
                    i.chain().get(0).getSerialNumber().toString(16),
                    i.notAfter());
        } else if (answer instanceof Refused r) {
            log.warn("{} PodCertificateRequest {}: {}", r.type().toLowerCase(Locale.ROOT), claim.key(), r.message());
            warnPod(
                    claim,
                    requests,
                    Refused.DENIED.equals(r.type())
                            ? EventReasons.POD_CERTIFICATE_DENIED
                            : EventReasons.POD_CERTIFICATE_FAILED,
                    r.type() + " PodCertificateRequest " + claim.name() + " (" + r.reason() + "): " + r.message());
        }
    }

    /** On the pod the request names (kubectl describe pod), or on the request when it names none. */
    private void warnPod(PodCertificateClaim claim, PodCertificateRequests requests, String reason, String message) {
        if (claim.podName() == null) {
            events.warning(
                    ControllerEvents.reference(
                            requests.apiVersion(), "PodCertificateRequest", claim.namespace(), claim.name(), null),
                    reason,
                    message);
        } else {
            events.warningOnPod(claim.namespace(), claim.podName(), claim.podUid(), reason, message);
        }
    }

    /** The pod, service account and node under the request's names; an absent name reads as absent. */
    private PodCertificateSubjects subjects(PodCertificateClaim claim) {
        Pod pod = claim.podName() == null
                ? null
                : client.pods()
                        .inNamespace(claim.namespace())
                        .withName(claim.podName())
                        .get();
        ServiceAccount account = claim.serviceAccountName() == null
                ? null
                : client.serviceAccounts()
                        .inNamespace(claim.namespace())
                        .withName(claim.serviceAccountName())
                        .get();
        Node node = claim.nodeName() == null
                ? null
                : client.nodes().withName(claim.nodeName()).get();
        return new PodCertificateSubjects(pod, account, node);
    }

    private static Map<String, Object> condition(Refused refused, PodCertificateClaim claim, Instant now) {
        Map<String, Object> condition = new LinkedHashMap<>();
        condition.put("type", refused.type());
        condition.put("status", "True");
        condition.put("reason", refused.reason());
        condition.put("message", refused.message());
        condition.put("lastTransitionTime", now.toString());
        if (claim.generation() != null) {
            condition.put("observedGeneration", claim.generation());
        }
        return condition;
    }
}
