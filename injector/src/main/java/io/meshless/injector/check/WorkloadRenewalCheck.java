package io.meshless.injector.check;

import static io.meshless.injector.controller.MeshlessMetadata.RENEW_AFTER;
import static io.meshless.injector.controller.MeshlessMetadata.TLS_CRT;

import io.fabric8.kubernetes.api.model.Secret;
import io.meshless.injector.controller.RenewalTime;
import io.meshless.pki.PkiException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Workload certificates are renewed on schedule: the controller renews at 2/3 of the lifetime
 * plus up to 5% of it (jitter, recorded as {@code meshless.io/renew-after}); a certificate still
 * in its Secret {@link #GRACE} after that is overdue, which means no controller is renewing.
 */
final class WorkloadRenewalCheck extends MeshCheck {

    /** Several controller resyncs (30 s) and a leader change (15 s Lease). */
    static final Duration GRACE = Duration.ofMinutes(10);
    /** The controller's largest renewal jitter, as a share of the lifetime, when the annotation is unreadable. */
    private static final double MAX_JITTER = 0.05;

    WorkloadRenewalCheck() {
        super("workload-renewal", "workload certificates are renewed on schedule");
    }

    @Override
    CheckResult evaluate(ClusterState cluster, Instant now) {
        List<String> overdue = new ArrayList<>();
        String next = null;
        Instant nextDue = null;
        for (Secret secret : cluster.workloadSecrets()) {
            X509Certificate leaf;
            try {
                leaf = SecretCertificates.read(secret, TLS_CRT).get(0);
            } catch (PkiException e) {
                continue; // reported by workload-certificates
            }
            Instant due = renewalDue(secret, leaf);
            if (now.isAfter(due.plus(GRACE))) {
                overdue.add(MeshPods.key(secret) + " (due " + TimeText.relative(now, due) + ")");
            } else if (nextDue == null || due.isBefore(nextDue)) {
                next = MeshPods.key(secret);
                nextDue = due;
            }
        }
        int total = cluster.workloadSecrets().size();
        if (!overdue.isEmpty()) {
            return fail(
                    overdue.size() + " of " + total + " overdue for renewal: " + Listing.some(overdue),
                    "the leading controller renews them; " + Remedies.controllerLeader(cluster.names()));
        }
        if (next == null) {
            return pass(total == 0 ? "no workload Secrets yet" : "nothing to renew");
        }
        return pass(Listing.count(total, "Secret") + " on schedule; the next renewal is " + next + ", "
                + TimeText.relative(now, nextDue));
    }

    /** The recorded renewal time, but never later than the controller's schedule allows. */
    static Instant renewalDue(Secret secret, X509Certificate leaf) {
        Instant latest = RenewalTime.due(leaf)
                .plusMillis((long) (RenewalTime.lifetime(leaf).toMillis() * MAX_JITTER));
        String recorded = MeshPods.annotations(secret).get(RENEW_AFTER);
        if (recorded != null) {
            try {
                Instant due = Instant.parse(recorded);
                return due.isBefore(latest) ? due : latest;
            } catch (DateTimeParseException e) {
                // a hand-edited annotation: the schedule still applies
            }
        }
        return latest;
    }
}
