package io.meshless.agent.instrumentation;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** One hook: the methods it applies to, how to name them when a type has none, and what is woven into them. */
final class Hook {
    private final String description;
    private final MethodPattern methods;
    private final List<Weave> weaves;

    private Hook(String description, MethodPattern methods, List<Weave> weaves) {
        this.description = description;
        this.methods = methods;
        this.weaves = weaves;
    }

    static Hook on(String description, MethodPattern methods, Weave... weaves) {
        return new Hook(description, methods, Collections.unmodifiableList(Arrays.asList(weaves)));
    }

    /** How a warning names the hooked method, e.g. {@code static providerFor(KeyManagerFactory, String)}. */
    String description() {
        return description;
    }

    MethodPattern methods() {
        return methods;
    }

    List<Weave> weaves() {
        return weaves;
    }
}
