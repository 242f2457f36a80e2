package io.meshless.injector.controller;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a certificate is renewed: at 2/3 of its lifetime, like the design says (leaves plus jitter, a
 * generated mesh CA starts its rotation then). The one place that schedule is computed; {@code check}
 * reads it from here too.
 */
public final class RenewalTime {

    private RenewalTime() {}

    /** Jitter so that Secrets issued together do not all renew in the same second. */
    static Instant of(X509Certificate certificate, double jitter) {
        long jitterMillis = (long) (lifetime(certificate).toMillis()
                * jitter
                * ThreadLocalRandom.current().nextDouble());
        return due(certificate).plusMillis(jitterMillis);
    }

    /** 2/3 of the certificate's lifetime, without jitter. */
    public static Instant due(X509Certificate certificate) {
        return certificate
                .getNotBefore()
                .toInstant()
                .plus(lifetime(certificate).multipliedBy(2).dividedBy(3));
    }

    public static Duration lifetime(X509Certificate certificate) {
        return Duration.between(
                certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant());
    }
}
