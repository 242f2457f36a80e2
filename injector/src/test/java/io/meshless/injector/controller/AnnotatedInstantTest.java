package io.meshless.injector.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnnotatedInstantTest {

    private static final String KEY = MeshlessMetadata.CA_PHASE_SINCE;

    @Test
    void readsWhatInstantToStringWrites() {
        Instant t = Instant.parse("2026-03-01T10:15:30.123Z");
        assertThat(AnnotatedInstant.read(Map.of(KEY, t.toString()), KEY)).isEqualTo(t);
    }

    @Test
    void absentOrEmptyIsNoInstant() {
        assertThat(AnnotatedInstant.read(Map.of(), KEY)).isNull();
        assertThat(AnnotatedInstant.read(Map.of(KEY, ""), KEY)).isNull();
    }

    @Test
    void refusesAnythingElseNamingTheValue() {
        for (String bad : new String[] {"yesterday", "2026-03-01", "2026-03-01T10:15:30", "1767225600"}) {
            assertThatThrownBy(() -> AnnotatedInstant.read(Map.of(KEY, bad), KEY))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("'" + bad + "' is not an ISO-8601 instant");
        }
    }
}
