package io.meshless.agent.instrumentation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * One hooked method's code with its {@link Weave}s: bridge calls at entry and before each normal return, and the
 * targets of a skipped body or a caught exception after the method's own code, each with a frame built from the
 * method's descriptor (receiver and arguments, as at entry). Nothing else needs a new frame, so the class needs no
 * frame computation, which would load classes to find common super types; the maximum stack grows by what the
 * calls push.
 */
final class WovenMethod extends MethodVisitor {
    private static final String MANAGERS = Weave.BRIDGE + "$Managers";

    private final String owner;
    private final boolean isStatic;
    private final String name;
    private final Type[] arguments;
    private final int[] slots;
    private final Type returnType;
    private final Map<String, String> fieldDescriptors;
    private final List<Weave> entry = new ArrayList<>();
    private final List<Weave> exit = new ArrayList<>();
    private final List<Weave> thrown = new ArrayList<>();
    private final int extraStack;
    private Label skipBody;
    private Label bodyStart;
    private Label bodyEnd;
    private Label[] handlers;

    WovenMethod(
            MethodVisitor next,
            String owner,
            int access,
            String name,
            String descriptor,
            List<Weave> weaves,
            Map<String, String> fieldDescriptors) {
        super(HookWeaver.API, next);
        this.owner = owner;
        this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
        this.name = name;
        this.arguments = Type.getArgumentTypes(descriptor);
        this.returnType = Type.getReturnType(descriptor);
        this.fieldDescriptors = fieldDescriptors;
        this.slots = new int[arguments.length];
        int slot = isStatic ? 0 : 1;
        for (int i = 0; i < arguments.length; i++) {
            slots[i] = slot;
            slot += arguments[i].getSize();
        }
        int stack = 0;
        for (Weave weave : weaves) {
            check(weave);
            stack = Math.max(stack, 2 + operandSize(weave));
            (weave.place() == Weave.Place.ENTRY ? entry : weave.place() == Weave.Place.EXIT ? exit : thrown).add(weave);
        }
        this.extraStack = stack;
    }

    /** What the weaving below cannot do: a table entry that asks for it is a mistake, reported for its type. */
    private void check(Weave weave) {
        boolean returnsEarly =
                weave.outcome() == Weave.Outcome.SKIP_BODY || weave.outcome() == Weave.Outcome.OVERRULE_THROWN;
        if (returnsEarly && returnType.getSort() != Type.VOID) {
            throw new IllegalStateException(owner + "." + name + " returns a value: " + weave.outcome()
                    + " can only return from a void method");
        }
        boolean constructor = name.equals("<init>");
        if (constructor && (weave.place() != Weave.Place.EXIT)) {
            throw new IllegalStateException(owner + ".<init>: only exits of constructors are hooked");
        }
        for (Operand operand : weave.operands()) {
            boolean needsReceiver = operand.kind() == Operand.Kind.THIS || operand.kind() == Operand.Kind.FIELD;
            if (needsReceiver && isStatic) {
                throw new IllegalStateException(owner + "." + name + " is static: it has no " + operand.kind());
            }
            if (operand.kind() == Operand.Kind.ARGUMENT && operand.argument() >= arguments.length) {
                throw new IllegalStateException(
                        owner + "." + name + " has no argument " + operand.argument() + " to pass");
            }
        }
    }

    private int operandSize(Weave weave) {
        int size = 0;
        for (Operand operand : weave.operands()) {
            switch (operand.kind()) {
                case ARGUMENT:
                    size += arguments[operand.argument()].getSize();
                    break;
                case FIELD:
                    size += Type.getType(fieldDescriptors.get(operand.field())).getSize();
                    break;
                default:
                    size += 1;
            }
        }
        return size;
    }

    @Override
    public void visitCode() {
        super.visitCode();
        for (Weave weave : entry) {
            call(weave);
            switch (weave.outcome()) {
                case REPLACE_ARGUMENT:
                    int argument = weave.argument();
                    mv.visitVarInsn(arguments[argument].getOpcode(Opcodes.ISTORE), slots[argument]);
                    break;
                case REPLACE_MANAGERS:
                    mv.visitInsn(Opcodes.DUP);
                    mv.visitMethodInsn(
                            Opcodes.INVOKEVIRTUAL, MANAGERS, "keyManagers", "()[Ljavax/net/ssl/KeyManager;", false);
                    mv.visitVarInsn(Opcodes.ASTORE, slots[0]);
                    mv.visitMethodInsn(
                            Opcodes.INVOKEVIRTUAL, MANAGERS, "trustManagers", "()[Ljavax/net/ssl/TrustManager;", false);
                    mv.visitVarInsn(Opcodes.ASTORE, slots[1]);
                    break;
                case SKIP_BODY:
                    if (skipBody == null) {
                        skipBody = new Label();
                    }
                    mv.visitJumpInsn(Opcodes.IFNE, skipBody);
                    break;
                default:
                    break;
            }
        }
    }

    /**
     * Where the method's own code starts: after the entry calls and after its own exception handlers are declared,
     * so that a woven handler comes last in the exception table and catches only what the body lets escape.
     */
    private void beginBody() {
        if (thrown.isEmpty() || bodyStart != null) {
            return;
        }
        bodyStart = new Label();
        bodyEnd = new Label();
        handlers = new Label[thrown.size()];
        for (int i = 0; i < handlers.length; i++) {
            handlers[i] = new Label();
            mv.visitTryCatchBlock(bodyStart, bodyEnd, handlers[i], thrown.get(i).exception());
        }
        mv.visitLabel(bodyStart);
    }

    @Override
    public void visitInsn(int opcode) {
        beginBody();
        if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            for (Weave weave : exit) {
                call(weave);
            }
        }
        super.visitInsn(opcode);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        beginBody();
        if (bodyStart != null) {
            mv.visitLabel(bodyEnd);
            for (int i = 0; i < handlers.length; i++) {
                Weave weave = thrown.get(i);
                Object[] caught = {weave.exception()};
                mv.visitLabel(handlers[i]);
                frame(caught);
                if (weave.outcome() == Weave.Outcome.RETHROW) {
                    call(weave);
                    mv.visitInsn(Opcodes.ATHROW);
                    continue;
                }
                mv.visitInsn(Opcodes.DUP);
                call(weave);
                Label overruled = new Label();
                mv.visitJumpInsn(Opcodes.IFNE, overruled);
                mv.visitInsn(Opcodes.ATHROW);
                mv.visitLabel(overruled);
                frame(caught);
                mv.visitInsn(Opcodes.POP);
                mv.visitInsn(Opcodes.RETURN);
            }
        }
        if (skipBody != null) {
            mv.visitLabel(skipBody);
            frame(new Object[0]);
            mv.visitInsn(Opcodes.RETURN);
        }
        super.visitMaxs(maxStack + extraStack, maxLocals);
    }

    private void call(Weave weave) {
        for (Operand operand : weave.operands()) {
            switch (operand.kind()) {
                case THIS:
                    mv.visitVarInsn(Opcodes.ALOAD, 0);
                    break;
                case ARGUMENT:
                    int argument = operand.argument();
                    mv.visitVarInsn(arguments[argument].getOpcode(Opcodes.ILOAD), slots[argument]);
                    break;
                case FIELD:
                    mv.visitVarInsn(Opcodes.ALOAD, 0);
                    mv.visitFieldInsn(Opcodes.GETFIELD, owner, operand.field(), fieldDescriptors.get(operand.field()));
                    break;
                case METHOD_NAME:
                    mv.visitLdcInsn(name);
                    break;
                default:
                    throw new IllegalStateException(operand.kind().toString());
            }
        }
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, Weave.BRIDGE, weave.bridgeMethod(), weave.bridgeDescriptor(), false);
    }

    /** The frame at entry (receiver and arguments as declared) with {@code stack} on the operand stack. */
    private void frame(Object[] stack) {
        List<Object> locals = new ArrayList<>();
        if (!isStatic) {
            locals.add(owner);
        }
        for (Type argument : arguments) {
            locals.add(frameType(argument));
        }
        mv.visitFrame(Opcodes.F_NEW, locals.size(), locals.toArray(), stack.length, stack);
    }

    private static Object frameType(Type type) {
        switch (type.getSort()) {
            case Type.BOOLEAN:
            case Type.CHAR:
            case Type.BYTE:
            case Type.SHORT:
            case Type.INT:
                return Opcodes.INTEGER;
            case Type.FLOAT:
                return Opcodes.FLOAT;
            case Type.LONG:
                return Opcodes.LONG;
            case Type.DOUBLE:
                return Opcodes.DOUBLE;
            case Type.ARRAY:
                return type.getDescriptor();
            default:
                return type.getInternalName();
        }
    }

    // Every other event of the method's own code marks where its body starts (see beginBody).

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
        beginBody();
        super.visitFrame(type, numLocal, local, numStack, stack);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        beginBody();
        super.visitIntInsn(opcode, operand);
    }

    @Override
    public void visitVarInsn(int opcode, int varIndex) {
        beginBody();
        super.visitVarInsn(opcode, varIndex);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        beginBody();
        super.visitTypeInsn(opcode, type);
    }

    @Override
    public void visitFieldInsn(int opcode, String fieldOwner, String fieldName, String descriptor) {
        beginBody();
        super.visitFieldInsn(opcode, fieldOwner, fieldName, descriptor);
    }

    @Override
    public void visitMethodInsn(
            int opcode, String methodOwner, String methodName, String descriptor, boolean isInterface) {
        beginBody();
        super.visitMethodInsn(opcode, methodOwner, methodName, descriptor, isInterface);
    }

    @Override
    public void visitInvokeDynamicInsn(
            String indyName, String descriptor, Handle bootstrapMethodHandle, Object... bootstrapMethodArguments) {
        beginBody();
        super.visitInvokeDynamicInsn(indyName, descriptor, bootstrapMethodHandle, bootstrapMethodArguments);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        beginBody();
        super.visitJumpInsn(opcode, label);
    }

    @Override
    public void visitLabel(Label label) {
        beginBody();
        super.visitLabel(label);
    }

    @Override
    public void visitLdcInsn(Object value) {
        beginBody();
        super.visitLdcInsn(value);
    }

    @Override
    public void visitIincInsn(int varIndex, int increment) {
        beginBody();
        super.visitIincInsn(varIndex, increment);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
        beginBody();
        super.visitTableSwitchInsn(min, max, dflt, labels);
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
        beginBody();
        super.visitLookupSwitchInsn(dflt, keys, labels);
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
        beginBody();
        super.visitMultiANewArrayInsn(descriptor, numDimensions);
    }
}
