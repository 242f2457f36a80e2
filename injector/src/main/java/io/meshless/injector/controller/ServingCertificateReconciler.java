package io.meshless.injector.controller;

import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyType;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.PkiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this replica's webhook serving certificate in its local directory (every replica, leader
 * or not): issued by the current signer for the injector's Service names, re-issued when the
 * signer or the bundle changes or renewal is due. The HTTPS server watches the directory.
 */
final class ServingCertificateReconciler {

    private static final Logger log = LoggerFactory.getLogger(ServingCertificateReconciler.class);

    private final ControllerConfig config;
    private final Clock clock;
    private final CountDownLatch written = new CountDownLatch(1);
    private final AtomicLong issued = new AtomicLong();

    // Confined to the controller's worker thread.
    private String issuer;
    private String bundle;
    private Instant renewAfter;

    ServingCertificateReconciler(ControllerConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    void reconcile(MeshCa current) {
        if (config.servingCertDir() == null) {
            return;
        }
        Instant now = clock.instant();
        if (current.signerFingerprint().equals(issuer)
                && current.bundleFingerprint().equals(bundle)
                && now.isBefore(renewAfter)) {
            return;
        }
        String svc = config.serviceName();
        String ns = config.namespace();
        HeldCertificate leaf = new CertificateAuthority(current.signer(), clock)
                .issue(LeafSpec.builder()
                        .commonName(svc + "." + ns + ".svc")
                        .dnsName(svc)
                        .dnsName(svc + "." + ns)
                        .dnsName(svc + "." + ns + ".svc")
                        .dnsName(svc + "." + ns + ".svc.cluster.local")
                        .keyType(KeyType.EC_P256)
                        .lifetime(config.servingLifetime())
                        .notBefore(now)
                        .build());
        try {
            new ServingCertificateDirectory(config.servingCertDir()).write(leaf, current.bundle());
        } catch (PkiException e) {
            throw new IllegalStateException("cannot write the webhook serving certificate: " + e.getMessage(), e);
        }
        issued.incrementAndGet();
        issuer = current.signerFingerprint();
        bundle = current.bundleFingerprint();
        renewAfter = RenewalTime.of(leaf.certificate(), config.renewalJitter());
        written.countDown();
        log.info(
                "wrote webhook serving certificate (serial {}, expires {}) to {}",
                leaf.certificate().getSerialNumber().toString(16),
                leaf.certificate().getNotAfter().toInstant(),
                config.servingCertDir());
    }

    /** Written at least once, or not wanted (no directory configured). */
    boolean ready() {
        return config.servingCertDir() == null || written.getCount() == 0;
    }

    boolean awaitWritten(Duration timeout) throws InterruptedException {
        return written.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Serving certificates this replica issued since it started. */
    long issued() {
        return issued.get();
    }
}
