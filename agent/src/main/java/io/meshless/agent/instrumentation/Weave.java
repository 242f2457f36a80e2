package io.meshless.agent.instrumentation;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * What is woven into a hooked method: where, which static {@code MeshlessBridge} method is called with which
 * {@link Operand}s, and what its answer does. Woven code is straight-line except for a skipped body and a caught
 * exception, whose targets sit after the method's own code with frames computed from its descriptor alone.
 */
final class Weave {
    static final String BRIDGE = "io/meshless/agent/bridge/MeshlessBridge";

    enum Place {
        /** Before the method's own code. */
        ENTRY,
        /** Before each of its normal returns. */
        EXIT,
        /** Where its body throws {@link #exception()}. */
        THROWN
    }

    enum Outcome {
        /** The bridge method returns void. */
        NONE,
        /** At entry: the bridge's answer replaces argument {@link #argument()}. */
        REPLACE_ARGUMENT,
        /** At entry: a {@code MeshlessBridge.Managers} answer replaces arguments 0 and 1 (key and trust managers). */
        REPLACE_MANAGERS,
        /** At entry of a void method: a true answer returns at once, skipping the body. */
        SKIP_BODY,
        /** At each normal return: the bridge gets the return value first and answers the value returned. */
        REPLACE_RETURN,
        /**
         * When the body throws {@link #exception()} (a void method): the bridge gets it first; a true answer returns
         * normally instead of throwing it.
         */
        OVERRULE_THROWN,
        /** When the body throws {@link #exception()}: the bridge gets the operands, and the throwable is rethrown. */
        RETHROW
    }

    private final Place place;
    private final Outcome outcome;
    private final String bridgeMethod;
    private final String bridgeDescriptor;
    private final List<Operand> operands;
    private final int argument;
    private final String exception;

    private Weave(
            Place place,
            Outcome outcome,
            String bridgeMethod,
            String bridgeDescriptor,
            List<Operand> operands,
            int argument,
            String exception) {
        this.place = place;
        this.outcome = outcome;
        this.bridgeMethod = bridgeMethod;
        this.bridgeDescriptor = bridgeDescriptor;
        this.operands = operands;
        this.argument = argument;
        this.exception = exception;
    }

    private static Weave of(
            Place place,
            Outcome outcome,
            int argument,
            String exception,
            String method,
            String descriptor,
            Operand... operands) {
        return new Weave(
                place,
                outcome,
                method,
                descriptor,
                Collections.unmodifiableList(Arrays.asList(operands)),
                argument,
                exception);
    }

    static Weave atEntry(String method, String descriptor, Operand... operands) {
        return of(Place.ENTRY, Outcome.NONE, -1, null, method, descriptor, operands);
    }

    static Weave replacingArgument(int argument, String method, String descriptor, Operand... operands) {
        return of(Place.ENTRY, Outcome.REPLACE_ARGUMENT, argument, null, method, descriptor, operands);
    }

    static Weave replacingManagers(String method, String descriptor, Operand... operands) {
        return of(Place.ENTRY, Outcome.REPLACE_MANAGERS, -1, null, method, descriptor, operands);
    }

    static Weave skippingBodyWhen(String method, String descriptor, Operand... operands) {
        return of(Place.ENTRY, Outcome.SKIP_BODY, -1, null, method, descriptor, operands);
    }

    static Weave atExit(String method, String descriptor, Operand... operands) {
        return of(Place.EXIT, Outcome.NONE, -1, null, method, descriptor, operands);
    }

    static Weave replacingReturn(String method, String descriptor, Operand... operands) {
        return of(Place.EXIT, Outcome.REPLACE_RETURN, -1, null, method, descriptor, operands);
    }

    /** {@code exception} as an internal name, e.g. {@code javax/net/ssl/SSLException}. */
    static Weave overrulingThrown(String exception, String method, String descriptor, Operand... operands) {
        return of(Place.THROWN, Outcome.OVERRULE_THROWN, -1, exception, method, descriptor, operands);
    }

    Outcome outcome() {
        return outcome;
    }

    /** {@code exception} as an internal name, e.g. {@code java/lang/Throwable}. */
    static Weave observingThrown(String exception, String method, String descriptor, Operand... operands) {
        return of(Place.THROWN, Outcome.RETHROW, -1, exception, method, descriptor, operands);
    }

    Place place() {
        return place;
    }

    String bridgeMethod() {
        return bridgeMethod;
    }

    String bridgeDescriptor() {
        return bridgeDescriptor;
    }

    List<Operand> operands() {
        return operands;
    }

    int argument() {
        return argument;
    }

    String exception() {
        return exception;
    }
}
