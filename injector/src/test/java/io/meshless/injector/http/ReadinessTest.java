package io.meshless.injector.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReadinessTest {
    @Test
    void readyOnlyWhenEveryConditionHolds() {
        Readiness readiness = new Readiness();
        AtomicBoolean informers = new AtomicBoolean(false);
        readiness.register("serving-certificate", () -> true);
        readiness.register("informers-synced", informers::get);

        Readiness.Report before = readiness.check();
        informers.set(true);
        Readiness.Report after = readiness.check();

        assertThat(before.ready()).isFalse();
        assertThat(before.body()).contains("informers-synced not ready").contains("serving-certificate ok");
        assertThat(after.ready()).isTrue();
    }

    @Test
    void failingConditionAndNoConditionsAreNotReady() {
        Readiness none = new Readiness();
        Readiness throwing = new Readiness();
        throwing.register("controller", () -> {
            throw new IllegalStateException("boom");
        });

        assertThat(none.check().ready()).isFalse();
        assertThat(throwing.check().ready()).isFalse();
        assertThatThrownBy(() -> throwing.register("controller", () -> true)).hasMessageContaining("twice");
    }
}
