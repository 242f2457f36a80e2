package io.meshless.injector.controller;

import static io.meshless.injector.controller.ControllerHarness.APP_NS;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.mockwebserver.http.RecordedRequest;
import io.meshless.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two replicas against one API server: one leads and writes, the other writes nothing until it takes over. */
class LeaderElectionTest {

    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

    @TempDir
    Path dir;

    @Test
    void onlyTheLeaderWritesAndTheOtherTakesOverWhenItLeaves() throws Exception {
        try (ControllerHarness h = new ControllerHarness()) {
            h.serviceAccount(APP_NS, "orders");
            h.serviceAccount(APP_NS, "payments");
            h.webhookConfiguration();
            CertificateController a =
                    h.start("replica-a", h.config("replica-a", dir.resolve("a")).build());
            CertificateController b =
                    h.start("replica-b", h.config("replica-b", dir.resolve("b")).build());
            Await.atMost(Duration.ofSeconds(60)).until("a leader", () -> a.isLeader() || b.isLeader());
            CertificateController leader = a.isLeader() ? a : b;
            CertificateController follower = leader == a ? b : a;
            String leaderAgent = leader == a ? "replica-a" : "replica-b";
            String followerAgent = leader == a ? "replica-b" : "replica-a";

            // The webhook signal can reach either replica; both get it and both run passes.
            for (CertificateController c : List.of(a, b)) {
                c.serviceAccountNeedsSecret(APP_NS, "orders");
            }
            leader.reconcileNow();
            follower.reconcileNow();
            follower.reconcileNow();

            assertThat(follower.isLeader()).isFalse();
            assertThat(h.secret(APP_NS, "meshless-orders")).isNotNull();
            List<RecordedRequest> requests = drain(h);
            assertThat(writes(requests, leaderAgent)).anyMatch(r -> r.getPath().contains("/secrets"));
            assertThat(writes(requests, followerAgent))
                    .as("API writes by the follower other than contending for the Lease")
                    .allMatch(r -> r.getPath().contains("/leases"));
            // The follower still serves: its own serving certificate is on its local disk.
            assertThat(follower.awaitServingCertificate(Duration.ofSeconds(10))).isTrue();
            assertThat(follower.metrics().leader()).isFalse();
            assertThat(leader.metrics().leader()).isTrue();

            // The leader leaves (releasing the Lease); the follower takes over and writes.
            leader.close();
            Await.atMost(Duration.ofSeconds(60)).until(followerAgent + " to take over", follower::isLeader);
            follower.serviceAccountNeedsSecret(APP_NS, "payments");
            follower.reconcileNow();
            assertThat(h.secret(APP_NS, "meshless-payments")).isNotNull();
            assertThat(writes(drain(h), followerAgent))
                    .anyMatch(r -> r.getPath().contains("/secrets"));
        }
    }

    private static List<RecordedRequest> drain(ControllerHarness h) throws InterruptedException {
        List<RecordedRequest> out = new ArrayList<>();
        RecordedRequest r;
        while ((r = h.server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
            out.add(r);
        }
        return out;
    }

    private static List<RecordedRequest> writes(List<RecordedRequest> requests, String userAgent) {
        List<RecordedRequest> out = new ArrayList<>();
        for (RecordedRequest r : requests) {
            if (WRITES.contains(r.getMethod()) && userAgent.equals(r.getHeader("User-Agent"))) {
                out.add(r);
            }
        }
        return out;
    }
}
