package io.meshless.injector.controller;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's PodCertificateRequests, through whichever version of {@code certificates.k8s.io}
 * serves them ({@link PodCertificateApi}): found by discovery at start, and again when discovery
 * failed or the watched version stopped answering (a cluster upgrade). Every request is watched,
 * since the API cannot select by signer name. When the cluster serves neither version, the signer
 * stays off, said in one log line. {@link #start} runs before the controller's worker does; after
 * that only the worker uses this.
 */
final class PodCertificateRequests implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PodCertificateRequests.class);

    private final KubernetesClient client;
    private final Runnable onArrival;
    private final long resyncMillis;

    private volatile PodCertificateApi api;
    private volatile SharedIndexInformer<GenericKubernetesResource> informer;
    /** Discovery failed or the served version went away: discover again on the next pass. */
    private volatile boolean rediscover = true;

    private volatile boolean closed;

    /** @param onArrival called (on an informer thread) when a request for our signer appears */
    PodCertificateRequests(KubernetesClient client, Runnable onArrival, long resyncMillis) {
        this.client = client;
        this.onArrival = onArrival;
        this.resyncMillis = resyncMillis;
    }

    /** Discovers the served version and starts watching it; returns once the first list arrived. */
    void start() {
        watch();
    }

    /** The pending and answered requests of every signer; empty while the API is not served. */
    List<PodCertificateClaim> current() {
        if (rediscover && !closed) {
            watch();
        }
        SharedIndexInformer<GenericKubernetesResource> watching = informer;
        if (watching == null) {
            return List.of();
        }
        List<PodCertificateClaim> claims = new ArrayList<>();
        for (GenericKubernetesResource request : watching.getStore().list()) {
            claims.add(PodCertificateClaim.of(request));
        }
        return claims;
    }

    /**
     * Writes the status subresource of the request in the version it was read from.
     *
     * @throws KubernetesClientException when the API refuses; a 404 also schedules a new discovery
     */
    /** The group/version the requests are read through, for references to one (an Event's object). */
    String apiVersion() {
        PodCertificateApi using = api;
        return using == null ? PodCertificateApi.GROUP : using.apiVersion().orElse(PodCertificateApi.GROUP);
    }

    void writeStatus(PodCertificateClaim claim, Map<String, Object> status) {
        PodCertificateApi using = api;
        GenericKubernetesResource request =
                informer == null ? null : informer.getStore().getByKey(claim.key());
        if (using == null || !using.served() || request == null) {
            throw new KubernetesClientException("PodCertificateRequest " + claim.key() + " is no longer watched");
        }
        GenericKubernetesResource updated = new GenericKubernetesResource();
        updated.setApiVersion(request.getApiVersion());
        updated.setKind(request.getKind());
        updated.setMetadata(request.getMetadata());
        updated.setAdditionalProperties(new LinkedHashMap<>(request.getAdditionalProperties()));
        updated.setAdditionalProperty("status", status);
        try {
            client.genericKubernetesResources(using.context())
                    .inNamespace(claim.namespace())
                    .resource(updated)
                    .updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                rediscover = true;
            }
            throw e;
        }
    }

    private synchronized void watch() {
        PodCertificateApi found;
        try {
            found = PodCertificateApi.discover(client);
        } catch (KubernetesClientException e) {
            log.warn(
                    "cannot tell which version of {} serves PodCertificateRequests: {} (will ask again)",
                    PodCertificateApi.GROUP,
                    e.getMessage());
            return;
        }
        rediscover = false;
        PodCertificateApi before = api;
        api = found;
        SharedIndexInformer<GenericKubernetesResource> running = informer;
        if (before != null && found.toString().equals(before.toString()) && running != null && running.isRunning()) {
            return; // the same version still serves and is watched: the informer retries its own watch
        }
        stopInformer();
        if (!found.served()) {
            log.error(
                    "this cluster serves no PodCertificateRequests ({} v1 or v1beta1): the pod certificate signer"
                            + " is off; it needs {} (then restart the injector)",
                    PodCertificateApi.GROUP,
                    PodCertificateApi.REQUIREMENT);
            return;
        }
        SharedIndexInformer<GenericKubernetesResource> started = client.genericKubernetesResources(found.context())
                .inAnyNamespace()
                .runnableInformer(resyncMillis);
        // A version that goes away answers 404 for good: stop retrying it and discover again.
        started.exceptionHandler((isStarted, failure) -> isStarted
                && !(failure instanceof KubernetesClientException k
                        && k.getCode() == HttpURLConnection.HTTP_NOT_FOUND));
        started.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource request) {
                arrived(request);
            }

            @Override
            public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
                arrived(after);
            }

            @Override
            public void onDelete(GenericKubernetesResource request, boolean unknownFinalState) {}
        });
        informer = started;
        try {
            started.run();
        } catch (RuntimeException e) {
            // Asked again at the next pass (an event or the resync), not at once: no busy loop on a 403.
            log.warn("cannot watch PodCertificateRequests ({}): {} (will ask again)", found, e.getMessage());
            stopInformer();
            rediscover = true;
            return;
        }
        log.info(
                "pod certificate signer {} watches PodCertificateRequests through {}",
                MeshlessMetadata.POD_CERTIFICATE_SIGNER,
                found);
        started.stopped().whenComplete((ok, failure) -> {
            if (failure != null && !closed) {
                log.warn("watching PodCertificateRequests ({}) stopped: {}", found, failure.getMessage());
                rediscover = true;
                onArrival.run();
            }
        });
    }

    private void arrived(GenericKubernetesResource request) {
        PodCertificateClaim claim = PodCertificateClaim.of(request);
        if (claim.ours() && !claim.answered()) {
            onArrival.run();
        }
    }

    private void stopInformer() {
        SharedIndexInformer<GenericKubernetesResource> running = informer;
        informer = null;
        if (running != null) {
            running.stop();
        }
    }

    @Override
    public void close() {
        closed = true;
        stopInformer();
    }
}
