package io.meshless.pki.reload;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.pki.CertDirectory;
import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyType;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.PkiException;
import io.meshless.pki.SpiffeId;
import io.meshless.pki.TrustBundle;
import io.meshless.pki.WorkloadCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchedCertDirectoryTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);
    private final SpiffeId web = SpiffeId.forServiceAccount("cluster.local", "shop", "web");
    private final CertificateAuthority ca =
            CertificateAuthority.createRoot("Mesh Root", Duration.ofDays(30), KeyType.EC_P256, clock);
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final ReloadListener listener = new ReloadListener() {
        @Override
        public void loaded(WorkloadCredentials previousOrNull, WorkloadCredentials current) {
            events.add("loaded " + (previousOrNull == null ? "-" : previousOrNull.serialHex()) + " -> "
                    + current.serialHex());
        }

        @Override
        public void rejected(PkiException problem) {
            events.add("rejected " + problem.getMessage());
        }
    };

    @TempDir
    Path dir;

    private WatchedCertDirectory watched;

    @AfterEach
    void close() {
        if (watched != null) {
            watched.close();
        }
    }

    private Map<String, String> set(HeldCertificate leaf) {
        return files(leaf.chainPem(), leaf.privateKeyPem());
    }

    private Map<String, String> files(String crt, String key) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(CertDirectory.TLS_CRT, crt);
        m.put(CertDirectory.TLS_KEY, key);
        m.put(CertDirectory.CA_CRT, TrustBundle.of(ca.certificate()).toPem());
        return m;
    }

    private WatchedCertDirectory watch(Path d) {
        watched = new WatchedCertDirectory(d, clock, Duration.ofMillis(50), listener);
        watched.start();
        return watched;
    }

    private String serial(HeldCertificate h) {
        return h.certificate().getSerialNumber().toString(16);
    }

    private String currentSerial() {
        return watched.current().map(WorkloadCredentials::serialHex).orElse(null);
    }

    @Test
    void picksUpKubeletDataSymlinkSwap() throws Exception {
        KubeletVolume volume = new KubeletVolume(dir);
        HeldCertificate first = ca.issue(LeafSpec.builder().spiffeId(web).build());
        HeldCertificate second = ca.issue(LeafSpec.builder().spiffeId(web).build());
        volume.publish(set(first));
        watch(dir);
        assertThat(currentSerial()).isEqualTo(serial(first));

        volume.publish(set(second));
        Await.until("the swapped set is current", () -> serial(second).equals(currentSerial()));
        // The listener is told just after the swap: wait for it too.
        Await.until("the listener hears of the swap", () -> events.size() >= 2);
        assertThat(events)
                .containsExactly("loaded - -> " + serial(first), "loaded " + serial(first) + " -> " + serial(second));
        assertThat(watched.lastProblem()).isEmpty();
    }

    @Test
    void picksUpKubeletRefreshOfAPodCertificateBundle() throws Exception {
        KubeletVolume volume = new KubeletVolume(dir);
        HeldCertificate first = ca.issue(LeafSpec.builder().spiffeId(web).build());
        HeldCertificate second = ca.issue(LeafSpec.builder().spiffeId(web).build());
        volume.publish(podCertificate(first));
        watch(dir);
        assertThat(currentSerial()).isEqualTo(serial(first));

        volume.publish(podCertificate(second));
        Await.until("the refreshed bundle is current", () -> serial(second).equals(currentSerial()));
        Await.until("the listener hears of the refresh", () -> events.size() >= 2);
        assertThat(events)
                .containsExactly("loaded - -> " + serial(first), "loaded " + serial(first) + " -> " + serial(second));
    }

    /** What kubelet projects for a {@code podCertificate} source beside the CA bundle. */
    private Map<String, String> podCertificate(HeldCertificate leaf) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(CertDirectory.CREDENTIAL_BUNDLE, leaf.privateKeyPem() + leaf.chainPem());
        m.put(CertDirectory.CA_CRT, TrustBundle.of(ca.certificate()).toPem());
        return m;
    }

    @Test
    void refusesHalfRotatedSetAndKeepsLastGood() throws Exception {
        KubeletVolume volume = new KubeletVolume(dir);
        HeldCertificate first = ca.issue(LeafSpec.builder().spiffeId(web).build());
        HeldCertificate second = ca.issue(LeafSpec.builder().spiffeId(web).build());
        volume.publish(set(first));
        watch(dir);

        // New certificate, old key: what a rotation that went half way looks like.
        volume.publish(files(second.chainPem(), first.privateKeyPem()));
        // The listener is told after lastProblem is set: wait for the listener.
        Await.until("the listener hears of the refusal", () -> events.size() == 2);

        assertThat(currentSerial()).isEqualTo(serial(first));
        PkiException problem = watched.lastProblem().get();
        assertThat(problem.source()).isEqualTo(dir.resolve("tls.key").toString());
        assertThat(problem.reason()).startsWith("private key does not match the certificate");
        assertThat(events).hasSize(2).last().asString().startsWith("rejected " + dir.resolve("tls.key"));

        // The next good set is taken and the problem clears.
        HeldCertificate third = ca.issue(LeafSpec.builder().spiffeId(web).build());
        volume.publish(set(third));
        Await.until("the repaired set is current", () -> serial(third).equals(currentSerial()));
        assertThat(watched.lastProblem()).isEmpty();
    }

    @Test
    void refusesTruncatedCertificateNamingTheFile() throws Exception {
        KubeletVolume volume = new KubeletVolume(dir);
        HeldCertificate first = ca.issue(LeafSpec.builder().spiffeId(web).build());
        volume.publish(set(first));
        watch(dir);
        HeldCertificate second = ca.issue(LeafSpec.builder().spiffeId(web).build());
        String pem = second.chainPem();
        volume.publish(files(pem.substring(0, pem.length() / 2), second.privateKeyPem()));

        Await.until("the truncated set is refused", () -> watched.lastProblem().isPresent());
        assertThat(watched.lastProblem().get().getMessage())
                .startsWith(dir.resolve("tls.crt").toString())
                .contains("has no '-----END CERTIFICATE-----' line; the file is truncated");
        assertThat(currentSerial()).isEqualTo(serial(first));
    }

    @Test
    void loadsFilesThatAppearLater() throws Exception {
        Path later = dir.resolve("certs");
        watch(later);
        assertThat(watched.current()).isEmpty();
        assertThat(watched.lastProblem())
                .get()
                .extracting(PkiException::getMessage)
                .isEqualTo(later + ": directory does not exist");

        Files.createDirectories(later);
        HeldCertificate leaf = ca.issue(LeafSpec.builder().spiffeId(web).build());
        CertDirectory.write(later, leaf, TrustBundle.of(ca.certificate()));
        Await.until("the set that appeared is current", () -> serial(leaf).equals(currentSerial()));
        assertThat(watched.lastProblem()).isEmpty();
    }

    @Test
    void picksUpInPlaceRewrite() throws Exception {
        HeldCertificate first = ca.issue(LeafSpec.builder().spiffeId(web).build());
        CertDirectory.write(dir, first, TrustBundle.of(ca.certificate()));
        watch(dir);
        assertThat(currentSerial()).isEqualTo(serial(first));

        HeldCertificate second = ca.issue(
                LeafSpec.builder().spiffeId(web).keyType(KeyType.RSA_2048).build());
        CertDirectory.write(dir, second, TrustBundle.of(ca.certificate()));
        Await.until("the rewritten set is current", () -> serial(second).equals(currentSerial()));
        assertThat(watched.current().get().identity().privateKey().getAlgorithm())
                .isEqualTo("RSA");
    }

    @Test
    void refusesANamedPipeSwappedInAndStillLoadsTheNextGoodSet() throws Exception {
        HeldCertificate first = ca.issue(LeafSpec.builder().spiffeId(web).build());
        CertDirectory.write(dir, first, TrustBundle.of(ca.certificate()));
        watch(dir);
        Files.delete(dir.resolve(CertDirectory.TLS_CRT));
        Process mkfifo = new ProcessBuilder(
                        "mkfifo", dir.resolve(CertDirectory.TLS_CRT).toString())
                .inheritIO()
                .start();
        assertThat(mkfifo.waitFor()).isZero();

        Await.until("the pipe is refused", () -> watched.lastProblem().isPresent());
        assertThat(watched.lastProblem().get().getMessage())
                .isEqualTo(dir.resolve(CertDirectory.TLS_CRT)
                        + ": is a named pipe (FIFO), not a regular file; refusing to read it");
        assertThat(currentSerial()).isEqualTo(serial(first));

        Files.delete(dir.resolve(CertDirectory.TLS_CRT));
        HeldCertificate second = ca.issue(LeafSpec.builder().spiffeId(web).build());
        CertDirectory.write(dir, second, TrustBundle.of(ca.certificate()));
        Await.until(
                "the good set after the pipe is current", () -> serial(second).equals(currentSerial()));
    }

    @Test
    void reportsARefusedSetThatStaysOnceThoughItsReasonNamesTheTime() throws Exception {
        HeldCertificate shortLived = ca.issue(
                LeafSpec.builder().spiffeId(web).lifetime(Duration.ofHours(1)).build());
        CertDirectory.write(dir, shortLived, TrustBundle.of(ca.certificate()));
        MovingClock later = new MovingClock(clock.instant().plus(Duration.ofHours(2)));
        watched = new WatchedCertDirectory(dir, later, Duration.ofMinutes(10), listener);

        for (int i = 0; i < 5; i++) {
            watched.refresh();
            later.advance(WatchedCertDirectory.RETRY_UNCHANGED_REFUSED);
        }

        assertThat(events).singleElement().asString().startsWith("rejected ").contains("expired on");
        assertThat(watched.lastProblem()).isPresent();
    }

    /** A clock the test moves. */
    private static final class MovingClock extends Clock {
        private volatile Instant now;

        MovingClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
