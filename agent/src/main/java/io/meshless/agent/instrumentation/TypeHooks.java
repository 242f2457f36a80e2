package io.meshless.agent.instrumentation;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The hooks of one type, found by its exact name: a JDK type or a library's, in whichever class loader it loads.
 * For a library whose internals change between releases, an {@link Unmatched} reporter says when a hook finds no
 * method or a class it relies on is missing.
 */
final class TypeHooks {
    /** Told what is missing in a hooked type; not called for types without a reporter. */
    interface Unmatched {
        /** {@code consequence}: what the application loses, or null for the reporter's default. */
        void report(String typeName, String problem, String consequence);
    }

    private final String typeName;
    private final List<Hook> hooks;
    private final List<String> siblings;
    private final Unmatched unmatched;

    private TypeHooks(String typeName, List<Hook> hooks, List<String> siblings, Unmatched unmatched) {
        this.typeName = typeName;
        this.hooks = hooks;
        this.siblings = siblings;
        this.unmatched = unmatched;
    }

    /** {@code typeName} as a binary name, e.g. {@code javax.net.ssl.SSLContext}. */
    static TypeHooks of(String typeName, Hook... hooks) {
        return new TypeHooks(
                typeName, Collections.unmodifiableList(Arrays.asList(hooks)), Collections.emptyList(), null);
    }

    /** The same hooks, with missing ones (and missing {@code siblings}, by binary name) reported. */
    TypeHooks reportingTo(Unmatched reporter, List<String> siblings) {
        return new TypeHooks(typeName, hooks, Collections.unmodifiableList(siblings), reporter);
    }

    String typeName() {
        return typeName;
    }

    String internalName() {
        return typeName.replace('.', '/');
    }

    List<Hook> hooks() {
        return hooks;
    }

    List<String> siblings() {
        return siblings;
    }

    /** Null when missing hooks go unreported. */
    Unmatched unmatched() {
        return unmatched;
    }
}
