package io.meshless.agent.instrumentation;

/** One value woven code passes to the bridge: the receiver, an argument, a field of the receiver, or the method's name. */
final class Operand {
    enum Kind {
        THIS,
        ARGUMENT,
        FIELD,
        METHOD_NAME
    }

    private static final Operand THIS = new Operand(Kind.THIS, -1, null);
    private static final Operand METHOD_NAME = new Operand(Kind.METHOD_NAME, -1, null);

    private final Kind kind;
    private final int argument;
    private final String field;

    private Operand(Kind kind, int argument, String field) {
        this.kind = kind;
        this.argument = argument;
        this.field = field;
    }

    /** The receiver: in a constructor, only at its exit. */
    static Operand self() {
        return THIS;
    }

    /** Argument {@code index}, counted from 0 as in the source: its current value. */
    static Operand argument(int index) {
        return new Operand(Kind.ARGUMENT, index, null);
    }

    /** A field the hooked type itself declares, read from the receiver; a method whose type lacks it is not hooked. */
    static Operand field(String name) {
        return new Operand(Kind.FIELD, -1, name);
    }

    /** The hooked method's name, as a constant. */
    static Operand methodName() {
        return METHOD_NAME;
    }

    Kind kind() {
        return kind;
    }

    int argument() {
        return argument;
    }

    String field() {
        return field;
    }
}
