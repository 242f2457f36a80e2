package io.meshless.agent.instrumentation;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** One hook: the methods it applies to, how to name them when a type has none, and what is woven into them. */
final class Hook {
    private final String description;
    private final MethodPattern methods;
    private final List<Weave> weaves;
    private final String consequence;

    private Hook(String description, MethodPattern methods, List<Weave> weaves, String consequence) {
        this.description = description;
        this.methods = methods;
        this.weaves = weaves;
        this.consequence = consequence;
    }

    static Hook on(String description, MethodPattern methods, Weave... weaves) {
        return new Hook(description, methods, Collections.unmodifiableList(Arrays.asList(weaves)), null);
    }

    /** The same hook, whose absence costs {@code consequence} rather than what its type's reporter says by default. */
    Hook losing(String consequence) {
        return new Hook(description, methods, weaves, consequence);
    }

    /** What the application loses without this hook; null: what its type's reporter says by default. */
    String consequence() {
        return consequence;
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
