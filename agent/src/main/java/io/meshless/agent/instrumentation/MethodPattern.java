package io.meshless.agent.instrumentation;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Which declared methods of a type a hook applies to, decided from the class file alone (access flags, name and
 * descriptor), so that nothing is loaded or resolved to match: a name or several ({@code <init>} for
 * constructors), access flags that must be set, and what the descriptor must say. Immutable.
 */
final class MethodPattern {
    private static final int ANY = -1;

    private final Set<String> names;
    private final int requiredAccess;
    private final int forbiddenAccess;
    private final int argumentCount;
    private final String[] argumentDescriptors;
    private final String returnDescriptor;

    private MethodPattern(
            Set<String> names,
            int requiredAccess,
            int forbiddenAccess,
            int argumentCount,
            String[] argumentDescriptors,
            String returnDescriptor) {
        this.names = names;
        this.requiredAccess = requiredAccess;
        this.forbiddenAccess = forbiddenAccess;
        this.argumentCount = argumentCount;
        this.argumentDescriptors = argumentDescriptors;
        this.returnDescriptor = returnDescriptor;
    }

    static MethodPattern named(String... names) {
        return new MethodPattern(
                Collections.unmodifiableSet(new HashSet<>(Arrays.asList(names))), 0, 0, ANY, new String[0], null);
    }

    static MethodPattern constructors() {
        return named("<init>");
    }

    MethodPattern isStatic() {
        return new MethodPattern(
                names,
                requiredAccess | Opcodes.ACC_STATIC,
                forbiddenAccess,
                argumentCount,
                argumentDescriptors,
                returnDescriptor);
    }

    MethodPattern isNotStatic() {
        return new MethodPattern(
                names,
                requiredAccess,
                forbiddenAccess | Opcodes.ACC_STATIC,
                argumentCount,
                argumentDescriptors,
                returnDescriptor);
    }

    MethodPattern isPublic() {
        return new MethodPattern(
                names,
                requiredAccess | Opcodes.ACC_PUBLIC,
                forbiddenAccess,
                argumentCount,
                argumentDescriptors,
                returnDescriptor);
    }

    MethodPattern takesArguments(int count) {
        return new MethodPattern(names, requiredAccess, forbiddenAccess, count, argumentDescriptors, returnDescriptor);
    }

    /** Argument {@code index} (from 0) has exactly this descriptor, e.g. {@code Ljava/lang/String;}. */
    MethodPattern takesArgument(int index, String descriptor) {
        String[] arguments = Arrays.copyOf(argumentDescriptors, Math.max(argumentDescriptors.length, index + 1));
        arguments[index] = descriptor;
        return new MethodPattern(names, requiredAccess, forbiddenAccess, argumentCount, arguments, returnDescriptor);
    }

    MethodPattern returns(String descriptor) {
        return new MethodPattern(
                names, requiredAccess, forbiddenAccess, argumentCount, argumentDescriptors, descriptor);
    }

    boolean matches(int access, String name, String descriptor) {
        if ((access & requiredAccess) != requiredAccess || (access & forbiddenAccess) != 0 || !names.contains(name)) {
            return false;
        }
        if (returnDescriptor != null
                && !Type.getReturnType(descriptor).getDescriptor().equals(returnDescriptor)) {
            return false;
        }
        Type[] arguments = Type.getArgumentTypes(descriptor);
        if (argumentCount != ANY && arguments.length != argumentCount) {
            return false;
        }
        for (int i = 0; i < argumentDescriptors.length; i++) {
            String required = argumentDescriptors[i];
            if (required != null
                    && (i >= arguments.length || !arguments[i].getDescriptor().equals(required))) {
                return false;
            }
        }
        return true;
    }
}
