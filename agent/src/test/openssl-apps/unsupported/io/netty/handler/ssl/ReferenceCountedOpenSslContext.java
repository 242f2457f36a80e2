package io.netty.handler.ssl;

/**
 * Stands in for a Netty release whose internals moved: the class the agent hooks is there, its methods are not
 * where the agent expects them, and its client sibling is gone.
 */
public class ReferenceCountedOpenSslContext {
    static Object providerFor(Object factory, String password) {
        return factory;
    }
}
