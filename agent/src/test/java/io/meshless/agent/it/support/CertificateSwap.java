package io.meshless.agent.it.support;

import io.meshless.pki.HeldCertificate;
import io.meshless.pki.SpiffeId;
import io.meshless.testing.SecretVolume;
import io.meshless.testing.TestPki;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A kubelet-style Secret volume that holds a first certificate of one identity, and the second one its
 * {@code ..data} swap publishes: the set-up of a rotation test. {@link #perform} swaps and waits until the agent
 * under test says it rotated, so what the test asserts next runs against the new certificate.
 */
public final class CertificateSwap {
    /** How long an agent may take to notice the swap: a bound against a hang, not a figure asserted on. */
    private static final Duration PICK_UP_BOUND = Duration.ofSeconds(30);

    private final TestPki pki;
    private final SecretVolume volume;
    private final HeldCertificate first;
    private final HeldCertificate second;

    private CertificateSwap(TestPki pki, Path dir, HeldCertificate first, HeldCertificate second) {
        this.pki = pki;
        this.volume = TestPki.volume(dir, first, pki.bundle(), null);
        this.first = first;
        this.second = second;
    }

    /** A server's volume at {@code dir}: two leaves of {@code id} ({@link TestPki#leaf}). */
    public static CertificateSwap ofServer(TestPki pki, Path dir, SpiffeId id) {
        return new CertificateSwap(pki, dir, pki.leaf(id), pki.leaf(id));
    }

    /** A client's volume at {@code dir}: two certificates that name only {@code id} ({@link TestPki#spiffeIdOnly}). */
    public static CertificateSwap ofClient(TestPki pki, Path dir, SpiffeId id) {
        return new CertificateSwap(pki, dir, pki.spiffeIdOnly(id), pki.spiffeIdOnly(id));
    }

    /** The mounted directory, the agent's {@code cert-dir}. */
    public Path directory() {
        return volume.directory();
    }

    public BigInteger firstSerial() {
        return first.certificate().getSerialNumber();
    }

    public BigInteger secondSerial() {
        return second.certificate().getSerialNumber();
    }

    /** Publishes the second certificate, for a test that watches the swap happen under load. */
    public void publish() {
        volume.publish(TestPki.secretFiles(second, pki.bundle(), null));
    }

    /** Publishes the second certificate and waits until the agent in {@code jvm} logged its rotation. */
    public void perform(ChildJvm jvm) {
        publish();
        jvm.awaitStderrLine(AgentLines.ROTATED, PICK_UP_BOUND);
    }
}
