package io.meshless.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

    @Test
    void returnsOnceTheConditionHolds() {
        AtomicInteger asked = new AtomicInteger();

        Await.await().until("the third question", () -> asked.incrementAndGet() == 3);

        assertThat(asked).hasValue(3);
    }

    @Test
    void failsNamingWhatWasAwaitedOnceTheBoundPassed() {
        assertThatThrownBy(() -> Await.atMost(Duration.ofMillis(50))
                        .describedBy(() -> "log: nothing happened")
                        .until("a condition that never holds", () -> false))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("timed out after PT0.05S waiting for a condition that never holds")
                .hasMessageContaining("log: nothing happened");
    }

    @Test
    void aConditionThatThrowsFailsAtOnceWithItsCause() {
        IOException cause = new IOException("connection refused");

        assertThatThrownBy(() -> Await.atMost(Duration.ofMinutes(10)).until("the server", () -> {
                    throw cause;
                }))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("failed while waiting for the server")
                .hasCause(cause);
    }

    @Test
    void anExitedProcessFailsTheWaitAtOnceWithItsDiagnostics() throws Exception {
        Process exited = new ProcessBuilder("sh", "-c", "exit 3").start();
        assertThat(exited.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> Await.atMost(Duration.ofMinutes(10))
                        .whileAlive(exited, () -> "server.log: bind failed")
                        .until("the server to listen", () -> false))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("process exited (code 3) while waiting for the server to listen")
                .hasMessageContaining("server.log: bind failed");
    }

    @Test
    void untilPresentReturnsTheFirstNonNullValue() {
        AtomicInteger asked = new AtomicInteger();

        String value = Await.atMost(Duration.ofSeconds(30))
                .untilPresent("a value", () -> asked.incrementAndGet() < 3 ? null : "third");

        assertThat(value).isEqualTo("third");
    }

    @Test
    void refusesBoundsThatCannotWait() {
        assertThatThrownBy(() -> Await.atMost(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bound must be positive");
        assertThatThrownBy(() -> Await.atMost(Duration.ofSeconds(1)).every(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("interval must be positive");
    }
}
