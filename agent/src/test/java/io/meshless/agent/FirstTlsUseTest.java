package io.meshless.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.agent.instrumentation.Instrumentations;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FirstTlsUseTest {

    @Test
    void waitsForExactlyTheTypesTheInstrumentationsTransform() {
        // FirstTlsUse names them itself so that premain never loads Instrumentations (and ASM).
        List<String> waitedFor = new ArrayList<>();
        for (String[] names : new String[][] {
            FirstTlsUse.INSTRUMENTED, FirstTlsUse.LIBRARY_VERIFIERS, FirstTlsUse.LIBRARY_HOOKS, FirstTlsUse.OBSERVED
        }) {
            for (String internalName : names) {
                waitedFor.add(internalName.replace('/', '.'));
            }
        }
        assertThat(waitedFor).containsExactlyInAnyOrderElementsOf(Instrumentations.typeNames());
    }
}
