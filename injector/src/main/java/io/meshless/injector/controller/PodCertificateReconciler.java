package io.meshless.injector.controller;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.certificates.v1beta1.PodCertificateRequest;
import io.fabric8.kubernetes.api.model.certificates.v1beta1.PodCertificateRequestStatus;
import io.fabric8.kubernetes.api.model.certificates.v1beta1.PodCertificateRequestStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.meshless.injector.controller.PodCertificateAnswer.Issued;
import io.meshless.injector.controller.PodCertificateAnswer.Refused;
import io.meshless.pki.Pem;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers PodCertificateRequests for {@link MeshlessMetadata#POD_CERTIFICATE_SIGNER} (leader only):
 * each pending request gets a certificate or a Denied/Failed condition, written through the status
 * subresource. Requests for other signers are not touched. What to answer is {@link
 * PodCertificateSigning}'s call; a request that cannot be answered now (API error) stays pending
 * for the next pass.
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
    void reconcile(MeshCa current, Collection<PodCertificateRequest> requests, BooleanSupplier carryOn) {
        for (PodCertificateRequest request : requests) {
            if (!carryOn.getAsBoolean()) {
                return;
            }
            if (!ours(request) || answered(request)) {
                continue;
            }
            try {
                answer(current, request);
            } catch (KubernetesClientException e) {
                log.warn("could not answer PodCertificateRequest {}: {} (will retry)", name(request), e.getMessage());
                warnPod(
                        request,
                        EventReasons.POD_CERTIFICATE_FAILED,
                        "meshless could not answer PodCertificateRequest "
                                + request.getMetadata().getName() + ": " + e.getMessage() + " (will retry)");
            } catch (RuntimeException e) {
                // One request must never stop the others or the pass.
                log.error("PodCertificateRequest {} could not be signed (will retry)", name(request), e);
                warnPod(
                        request,
                        EventReasons.POD_CERTIFICATE_FAILED,
                        "meshless could not sign PodCertificateRequest "
                                + request.getMetadata().getName() + ": " + e + " (will retry)");
            }
        }
    }

    /** Pod certificates this replica issued since it started. */
    long issued() {
        return issued.get();
    }

    static boolean ours(PodCertificateRequest request) {
        return request.getSpec() != null
                && MeshlessMetadata.POD_CERTIFICATE_SIGNER.equals(
                        request.getSpec().getSignerName());
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

    /** Issued, denied or failed: the API makes all three final, so there is nothing left to do. */
    static boolean answered(PodCertificateRequest request) {
        PodCertificateRequestStatus status = request.getStatus();
        if (status == null) {
            return false;
        }
        boolean hasChain = status.getCertificateChain() != null
                && !status.getCertificateChain().isEmpty();
        return hasChain
                || (status.getConditions() != null && !status.getConditions().isEmpty());
    }

    private void answer(MeshCa current, PodCertificateRequest request) {
        String namespace = request.getMetadata().getNamespace();
        Pod pod = request.getSpec().getPodName() == null
                ? null
                : client.pods()
                        .inNamespace(namespace)
                        .withName(request.getSpec().getPodName())
                        .get();
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        PodCertificateAnswer answer = signing.decide(request.getSpec(), pod, current, now);
        PodCertificateRequestStatus status;
        if (answer instanceof Issued i) {
            status = new PodCertificateRequestStatusBuilder()
                    .withCertificateChain(Pem.encode(i.chain()))
                    .withNotBefore(i.notBefore().toString())
                    .withBeginRefreshAt(i.beginRefreshAt().toString())
                    .withNotAfter(i.notAfter().toString())
                    .build();
        } else {
            status = new PodCertificateRequestStatusBuilder()
                    .withConditions(condition((Refused) answer, request, now))
                    .build();
        }
        request.setStatus(status);
        client.resources(PodCertificateRequest.class)
                .inNamespace(namespace)
                .resource(request)
                .updateStatus();
        if (answer instanceof Issued i) {
            issued.incrementAndGet();
            log.info(
                    "issued pod certificate for {} (request {}, serial {}, expires {})",
                    namespace + "/" + request.getSpec().getPodName(),
                    name(request),
                    i.chain().get(0).getSerialNumber().toString(16),
                    i.notAfter());
        } else if (answer instanceof Refused r) {
            log.warn(
                    "{} PodCertificateRequest {}: {}",
                    r.type().toLowerCase(java.util.Locale.ROOT),
                    name(request),
                    r.message());
            warnPod(
                    request,
                    Refused.DENIED.equals(r.type())
                            ? EventReasons.POD_CERTIFICATE_DENIED
                            : EventReasons.POD_CERTIFICATE_FAILED,
                    r.type() + " PodCertificateRequest " + request.getMetadata().getName() + " (" + r.reason() + "): "
                            + r.message());
        }
    }

    /** On the pod the request names (kubectl describe pod), or on the request when it names none. */
    private void warnPod(PodCertificateRequest request, String reason, String message) {
        if (request.getSpec() == null || request.getSpec().getPodName() == null) {
            events.warning(request, reason, message);
        } else {
            events.warningOnPod(
                    request.getMetadata().getNamespace(),
                    request.getSpec().getPodName(),
                    request.getSpec().getPodUID(),
                    reason,
                    message);
        }
    }

    private static List<Condition> condition(Refused refused, PodCertificateRequest request, Instant now) {
        return List.of(new ConditionBuilder()
                .withType(refused.type())
                .withStatus("True")
                .withReason(refused.reason())
                .withMessage(refused.message())
                .withLastTransitionTime(now.toString())
                .withObservedGeneration(request.getMetadata().getGeneration())
                .build());
    }

    private static String name(PodCertificateRequest request) {
        return request.getMetadata().getNamespace() + "/"
                + request.getMetadata().getName();
    }
}
