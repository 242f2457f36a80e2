package io.meshless.injector.controller;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Controller problems as core/v1 Events (type Warning) on the object they concern, so
 * {@code kubectl describe} and {@code kubectl get events} show them beside the log line.
 *
 * <p>Deduplicated as kubelet's event correlator does: the same reason on the same object is one
 * Event whose {@code count}, {@code lastTimestamp} and {@code message} are patched, at most once
 * per {@link #REWRITE_AFTER} (repeats in between are counted and written with the next patch), so a
 * problem that fails every pass costs one Event, not one per retry. The involved object carries
 * its UID where known, which {@code kubectl describe} selects on. Recording is best effort: an
 * Event that cannot be written is logged, never thrown.
 */
final class ControllerEvents {
    static final String COMPONENT = "meshless-injector";
    /** How often a repeating problem's Event is rewritten with its new count. */
    static final Duration REWRITE_AFTER = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(ControllerEvents.class);
    private static final int MAX_TRACKED = 4096;
    /** events.k8s.io's limit on a note; API error texts (URLs, Status dumps) can exceed it. */
    static final int MAX_MESSAGE = 1024;

    private final KubernetesClient client;
    private final Clock clock;
    private final AtomicLong sequence = new AtomicLong();
    /** Recorded Events by object and reason, least recently used first. */
    private final Map<String, Recorded> recorded = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Recorded> eldest) {
            return size() > MAX_TRACKED;
        }
    };

    ControllerEvents(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /** A Warning on ServiceAccount {@code key}; its UID is read only when a new Event is created. */
    void warning(ServiceAccountKey key, String reason, String message) {
        ObjectReference account = reference("v1", "ServiceAccount", key.namespace(), key.serviceAccount(), null);
        record(account, () -> uidOf(key), reason, message);
    }

    /** A Warning on {@code object} as it was read (with its UID). */
    void warning(HasMetadata object, String reason, String message) {
        ObjectReference regarding = reference(
                object.getApiVersion(),
                object.getKind(),
                object.getMetadata().getNamespace(),
                object.getMetadata().getName(),
                object.getMetadata().getUid());
        record(regarding, () -> null, reason, message);
    }

    /** A Warning on the object {@code regarding} names; its UID may be null (unknown or not created yet). */
    void warning(ObjectReference regarding, String reason, String message) {
        record(regarding, () -> null, reason, message);
    }

    /** A Warning on a pod; a null {@code uid} is read only when a new Event is created. */
    void warningOnPod(String namespace, String name, String uid, String reason, String message) {
        record(reference("v1", "Pod", namespace, name, uid), () -> uidOfPod(namespace, name), reason, message);
    }

    static ObjectReference reference(String apiVersion, String kind, String namespace, String name, String uid) {
        return new ObjectReferenceBuilder()
                .withApiVersion(apiVersion)
                .withKind(kind)
                .withNamespace(namespace)
                .withName(name)
                .withUid(uid)
                .build();
    }

    private synchronized void record(ObjectReference regarding, Supplier<String> uid, String reason, String text) {
        String message = text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE - 1) + "…";
        String key = regarding.getKind() + "/" + regarding.getNamespace() + "/" + regarding.getName() + "/" + reason;
        Instant now = clock.instant();
        Recorded last = recorded.get(key);
        try {
            if (last == null) {
                if (regarding.getUid() == null) {
                    regarding.setUid(uid.get());
                }
                recorded.put(key, create(regarding, reason, message, 1, now, now));
                return;
            }
            last.count++;
            if (Duration.between(last.written, now).compareTo(REWRITE_AFTER) < 0) {
                return;
            }
            Event change = new EventBuilder()
                    .withCount(last.count)
                    .withLastTimestamp(now.toString())
                    .withMessage(message)
                    .build();
            try {
                client.v1()
                        .events()
                        .inNamespace(regarding.getNamespace())
                        .withName(last.name)
                        .patch(PatchContext.of(PatchType.JSON_MERGE), change);
                last.written = now;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
                // Expired (the API server keeps Events for an hour by default): start a new one.
                recorded.put(key, create(last.regarding, reason, message, last.count, Instant.parse(last.first), now));
            }
        } catch (KubernetesClientException e) {
            log.warn(
                    "could not record Event {} for {} {}/{}: {}",
                    reason,
                    regarding.getKind(),
                    regarding.getNamespace(),
                    regarding.getName(),
                    e.getMessage());
        }
    }

    private Recorded create(
            ObjectReference regarding, String reason, String message, int count, Instant first, Instant now) {
        Event event = new EventBuilder()
                .withNewMetadata()
                .withNamespace(regarding.getNamespace())
                // Unique like kubelet's <object>.<hex>.
                .withName(regarding.getName() + "."
                        + Long.toHexString(now.toEpochMilli()).toLowerCase(Locale.ROOT)
                        + Long.toHexString(sequence.incrementAndGet()))
                .endMetadata()
                .withInvolvedObject(regarding)
                .withType("Warning")
                .withReason(reason)
                .withMessage(message)
                .withNewSource()
                .withComponent(COMPONENT)
                .endSource()
                .withReportingComponent(COMPONENT)
                .withFirstTimestamp(first.toString())
                .withLastTimestamp(now.toString())
                .withCount(count)
                .build();
        client.v1()
                .events()
                .inNamespace(regarding.getNamespace())
                .resource(event)
                .create();
        return new Recorded(event.getMetadata().getName(), regarding, first.toString(), count, now);
    }

    private String uidOfPod(String namespace, String name) {
        try {
            io.fabric8.kubernetes.api.model.Pod pod =
                    client.pods().inNamespace(namespace).withName(name).get();
            return pod == null ? null : pod.getMetadata().getUid();
        } catch (KubernetesClientException e) {
            return null;
        }
    }

    private String uidOf(ServiceAccountKey key) {
        try {
            ServiceAccount account = client.serviceAccounts()
                    .inNamespace(key.namespace())
                    .withName(key.serviceAccount())
                    .get();
            return account == null ? null : account.getMetadata().getUid();
        } catch (KubernetesClientException e) {
            return null; // the Event still names the account; only kubectl describe's UID match is lost
        }
    }

    /** The last Event written for one object and reason; mutable, guarded by the recorder. */
    private static final class Recorded {
        final String name;
        final ObjectReference regarding;
        final String first;
        int count;
        Instant written;

        Recorded(String name, ObjectReference regarding, String first, int count, Instant written) {
            this.name = name;
            this.regarding = regarding;
            this.first = first;
            this.count = count;
            this.written = written;
        }
    }
}
