package io.meshless.injector.controller;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Controller problems as Kubernetes Events (type Warning) on the ServiceAccount they concern, so
 * {@code kubectl describe serviceaccount} and {@code kubectl get events} show them beside the log
 * line. Recording is best effort: an Event that cannot be written is logged, never thrown.
 */
final class ControllerEvents {
    static final String COMPONENT = "meshless-injector";
    private static final Logger log = LoggerFactory.getLogger(ControllerEvents.class);

    private final KubernetesClient client;
    private final Clock clock;
    private final AtomicLong sequence = new AtomicLong();

    ControllerEvents(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /** A Warning Event on ServiceAccount {@code key}; {@code reason} is CamelCase, as Kubernetes' own. */
    void warning(ServiceAccountKey key, String reason, String message) {
        String now = clock.instant().toString();
        Event event = new EventBuilder()
                .withNewMetadata()
                .withNamespace(key.namespace())
                // Unique like kubelet's <object>.<hex>: an Event per problem report, never an update.
                .withName(key.serviceAccount() + "."
                        + Long.toHexString(clock.millis()).toLowerCase(Locale.ROOT)
                        + Long.toHexString(sequence.incrementAndGet()))
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion("v1")
                .withKind("ServiceAccount")
                .withNamespace(key.namespace())
                .withName(key.serviceAccount())
                .endInvolvedObject()
                .withType("Warning")
                .withReason(reason)
                .withMessage(message)
                .withNewSource()
                .withComponent(COMPONENT)
                .endSource()
                .withReportingComponent(COMPONENT)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .build();
        try {
            client.v1().events().inNamespace(key.namespace()).resource(event).create();
        } catch (KubernetesClientException e) {
            log.warn("could not record Event {} for service account {}: {}", reason, key, e.getMessage());
        }
    }
}
