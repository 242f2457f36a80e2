package io.meshless.injector.check;

import static io.meshless.injector.controller.MeshlessMetadata.CA_CRT;
import static io.meshless.injector.controller.MeshlessMetadata.TLS_CRT;

import io.fabric8.kubernetes.api.model.Secret;
import io.meshless.pki.PkiException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Every workload Secret holds a certificate that is valid now and verifies against its own ca.crt. */
final class WorkloadCertificatesCheck extends MeshCheck {

    WorkloadCertificatesCheck() {
        super("workload-certificates", "workload certificates are valid");
    }

    @Override
    CheckResult evaluate(ClusterState cluster, Instant now) {
        List<String> problems = new ArrayList<>();
        Secret soonest = null;
        Instant soonestExpiry = null;
        for (Secret secret : cluster.workloadSecrets()) {
            String where = "Secret " + MeshPods.key(secret);
            try {
                List<X509Certificate> chain = SecretCertificates.read(secret, TLS_CRT);
                ChainVerifier.verify(chain, SecretCertificates.read(secret, CA_CRT), now, where);
                Instant expiry = chain.get(0).getNotAfter().toInstant();
                if (soonestExpiry == null || expiry.isBefore(soonestExpiry)) {
                    soonest = secret;
                    soonestExpiry = expiry;
                }
            } catch (PkiException e) {
                problems.add(e.getMessage());
            }
        }
        int total = cluster.workloadSecrets().size();
        if (!problems.isEmpty()) {
            return fail(
                    problems.size() + " of " + total + " invalid: " + Listing.some(problems),
                    "the leading controller re-issues damaged and expired Secrets on its next pass; "
                            + Remedies.controllerLeader(cluster.names()));
        }
        if (soonest == null) {
            return pass("no workload Secrets yet");
        }
        return pass(Listing.count(total, "Secret") + " valid; the first to expire is " + MeshPods.key(soonest) + ", "
                + TimeText.relative(now, soonestExpiry));
    }
}
