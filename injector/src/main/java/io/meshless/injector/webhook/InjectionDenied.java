package io.meshless.injector.webhook;

/** The pod asks for something the injector cannot do; the message names the annotation/field and why. */
public final class InjectionDenied extends Exception {
    private static final long serialVersionUID = 1L;

    public InjectionDenied(String message) {
        super(message);
    }
}
