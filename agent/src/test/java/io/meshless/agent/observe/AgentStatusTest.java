package io.meshless.agent.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AgentStatusTest {
    /** The documented list (status order, docs/observability.md) names exactly the MBean's attributes. */
    @Test
    void theAttributeListIsTheInterface() {
        assertThat(Arrays.stream(AgentStatusMBean.class.getMethods())
                        .map(Method::getName)
                        .filter(n -> n.startsWith("get"))
                        .map(n -> n.substring(3))
                        .collect(Collectors.toList()))
                .containsExactlyInAnyOrderElementsOf(AgentStatus.ATTRIBUTES);
    }
}
