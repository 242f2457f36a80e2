package io.meshless.injector.controller;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/** When a leaf is renewed: at 2/3 of its lifetime, like the design says, plus jitter. */
final class RenewalTime {

    private RenewalTime() {}

    /** Jitter so that Secrets issued together do not all renew in the same second. */
    static Instant of(X509Certificate certificate, double jitter) {
        Instant from = certificate.getNotBefore().toInstant();
        Duration lifetime = Duration.between(from, certificate.getNotAfter().toInstant());
        long jitterMillis = (long)
                (lifetime.toMillis() * jitter * ThreadLocalRandom.current().nextDouble());
        return from.plus(lifetime.multipliedBy(2).dividedBy(3)).plusMillis(jitterMillis);
    }
}
