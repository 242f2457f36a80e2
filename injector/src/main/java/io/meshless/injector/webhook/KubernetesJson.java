package io.meshless.injector.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** The one JSON mapper configuration of the injector: Fabric8's model modules plus input limits. */
public final class KubernetesJson {
    /**
     * A pod is at most ~15 levels deep; anything much deeper is an attack on the parser. Jackson
     * refuses it with a StreamConstraintsException instead of recursing into a StackOverflowError.
     */
    public static final int MAX_NESTING_DEPTH = 64;

    private KubernetesJson() {}

    public static ObjectMapper newMapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .build())
                .build();
        ObjectMapper mapper = new ObjectMapper(factory);
        // Registers Fabric8's serializers/deserializers (resource kinds, IntOrString, Quantity...) on it.
        new KubernetesSerialization(mapper, true);
        return mapper;
    }
}
