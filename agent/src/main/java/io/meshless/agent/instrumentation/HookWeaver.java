package io.meshless.agent.instrumentation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Weaves one type's {@link TypeHooks} while its class file is copied: methods no hook matches pass untouched (ASM
 * copies their bytes), and no member is added, so the result is also a valid retransformation. Nothing is loaded
 * or resolved: fields and methods are matched on the class file's own names and descriptors.
 */
final class HookWeaver extends ClassVisitor {
    /** ASM's API level; class files up to those of the JDKs the shaded ASM knows are read. */
    static final int API = Opcodes.ASM9;

    private final TypeHooks type;
    private final boolean[] matched;
    private final Map<String, String> fieldDescriptors = new HashMap<>();
    private String owner;
    private boolean woven;

    HookWeaver(ClassVisitor next, TypeHooks type) {
        super(API, next);
        this.type = type;
        this.matched = new boolean[type.hooks().size()];
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        owner = name;
        super.visit(version, access, name, signature, superName, interfaces);
    }

    @Override
    public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
        // A class file lists its fields before its methods: all are known when the first method is matched.
        fieldDescriptors.put(name, descriptor);
        return super.visitField(access, name, descriptor, signature, value);
    }

    @Override
    public MethodVisitor visitMethod(
            int access, String name, String descriptor, String signature, String[] exceptions) {
        MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
        List<Weave> weaves = new ArrayList<>();
        for (int i = 0; i < matched.length; i++) {
            Hook hook = type.hooks().get(i);
            if (hook.methods().matches(access, name, descriptor) && declaresFieldsOf(hook)) {
                matched[i] = true;
                weaves.addAll(hook.weaves());
            }
        }
        if (weaves.isEmpty() || (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
            return next;
        }
        woven = true;
        return new WovenMethod(next, owner, access, name, descriptor, weaves, fieldDescriptors);
    }

    private boolean declaresFieldsOf(Hook hook) {
        for (Weave weave : hook.weaves()) {
            for (Operand operand : weave.operands()) {
                if (operand.kind() == Operand.Kind.FIELD && !fieldDescriptors.containsKey(operand.field())) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether any method was changed. */
    boolean woven() {
        return woven;
    }

    /** The hooks that found no method (or not the fields they read) in this class file. */
    List<Hook> unmatched() {
        List<Hook> unmatched = new ArrayList<>();
        for (int i = 0; i < matched.length; i++) {
            if (!matched[i]) {
                unmatched.add(type.hooks().get(i));
            }
        }
        return unmatched;
    }
}
