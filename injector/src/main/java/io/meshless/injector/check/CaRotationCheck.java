package io.meshless.injector.check;

import static io.meshless.injector.controller.MeshlessMetadata.CA_CRT;
import static io.meshless.injector.controller.MeshlessMetadata.CA_PHASE;
import static io.meshless.injector.controller.MeshlessMetadata.CA_PHASE_SINCE;
import static io.meshless.injector.controller.MeshlessMetadata.CA_RETIRE_AFTER;
import static io.meshless.injector.controller.MeshlessMetadata.NEXT_CRT;
import static io.meshless.injector.controller.MeshlessMetadata.TLS_CRT;

import io.fabric8.kubernetes.api.model.Secret;
import io.meshless.injector.controller.AnnotatedInstant;
import io.meshless.injector.controller.RenewalTime;
import io.meshless.injector.controller.RotationPhase;
import io.meshless.pki.PkiException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a rotation of a generated mesh CA stands (annotations of the CA Secret), and whether it
 * moves: a rotation that should have started, or a phase that outlived its purpose, means no
 * controller is doing the work.
 */
final class CaRotationCheck extends MeshCheck {

    /** Slack on every deadline before a phase counts as stuck (resyncs, leader changes, kubelet sync). */
    static final Duration STUCK_AFTER = Duration.ofHours(1);

    private static final String REFUSED = "the controller refuses this CA Secret and issues nothing until it is"
            + " corrected: restore the field or annotation its rotation phase needs";

    CaRotationCheck() {
        super("ca-rotation", "mesh CA rotation is on track");
    }

    @Override
    CheckResult evaluate(ClusterState cluster, Instant now) {
        Secret secret = cluster.caSecret();
        if (secret == null) {
            return fail("no mesh CA Secret", Remedies.fixFirst(new MeshCaCheck()));
        }
        String where = "Secret " + MeshPods.key(secret);
        if (!MeshCaCheck.generated(secret)) {
            return pass("user-supplied CA: you rotate it (the injector never writes " + where + ")");
        }
        Map<String, String> annotations = MeshPods.annotations(secret);
        RotationPhase phase;
        Instant since;
        Instant retireAfter;
        try {
            phase = phase(annotations.get(CA_PHASE));
            since = instant(annotations, CA_PHASE_SINCE);
            retireAfter = instant(annotations, CA_RETIRE_AFTER);
        } catch (IllegalArgumentException e) {
            return fail(where + " " + e.getMessage(), REFUSED);
        }
        String stalled = "the leading controller advances it; " + Remedies.controllerLeader(cluster.names());
        switch (phase) {
            case STABLE:
                return stable(cluster, secret, now);
            case PUBLISHING:
                X509Certificate next;
                try {
                    next = SecretCertificates.read(secret, NEXT_CRT).get(0);
                } catch (PkiException e) {
                    return fail(e.getMessage() + " although " + CA_PHASE + " is publishing", REFUSED);
                }
                String detail = "publishing the next CA" + (since == null ? "" : " since " + since) + "; "
                        + published(cluster, next);
                if (since != null && now.isAfter(since.plus(STUCK_AFTER))) {
                    return warn(detail + "; it waits for every workload bundle and the webhook caBundle", stalled);
                }
                return pass(detail);
            case RETIRING:
                if (retireAfter == null) {
                    return fail(
                            where + " annotation " + CA_RETIRE_AFTER + " missing although " + CA_PHASE + " is retiring",
                            REFUSED);
                }
                String retiring = "new CA signs; the previous CA leaves the bundles after " + retireAfter;
                if (now.isAfter(retireAfter.plus(STUCK_AFTER))) {
                    return warn(retiring + " (" + TimeText.relative(now, retireAfter) + ")", stalled);
                }
                return pass(retiring);
            default:
                throw new IllegalStateException("unknown rotation phase " + phase);
        }
    }

    private CheckResult stable(ClusterState cluster, Secret secret, Instant now) {
        X509Certificate ca;
        try {
            ca = SecretCertificates.read(secret, TLS_CRT).get(0);
        } catch (PkiException e) {
            return fail(e.getMessage(), Remedies.fixFirst(new MeshCaCheck()));
        }
        // The controller starts rotating a generated CA when its renewal is due, as for leaves.
        Instant due = RenewalTime.due(ca);
        if (now.isAfter(due.plus(STUCK_AFTER))) {
            return warn(
                    "stable, but the rotation was due " + TimeText.relative(now, due) + " (" + due + ")",
                    "the leading controller starts it; " + Remedies.controllerLeader(cluster.names()));
        }
        return pass("stable; the next rotation starts " + TimeText.relative(now, due) + " (" + due + ")");
    }

    /** How many workload bundles already trust the next CA. */
    private static String published(ClusterState cluster, X509Certificate next) {
        List<String> lacking = new ArrayList<>();
        for (Secret workload : cluster.workloadSecrets()) {
            try {
                if (!SecretCertificates.read(workload, CA_CRT).contains(next)) {
                    lacking.add(MeshPods.key(workload));
                }
            } catch (PkiException e) {
                lacking.add(MeshPods.key(workload));
            }
        }
        int total = cluster.workloadSecrets().size();
        return (total - lacking.size()) + " of " + total + " workload bundles hold it"
                + (lacking.isEmpty() ? "" : " (not yet: " + Listing.some(lacking) + ")");
    }

    /** The controller's parser; its message gains the annotation's name. */
    private static RotationPhase phase(String value) {
        try {
            return RotationPhase.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("annotation " + CA_PHASE + ": " + e.getMessage(), e);
        }
    }

    private static Instant instant(Map<String, String> annotations, String key) {
        try {
            return AnnotatedInstant.read(annotations, key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("annotation " + key + ": " + e.getMessage(), e);
        }
    }
}
