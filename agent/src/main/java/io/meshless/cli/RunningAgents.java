package io.meshless.cli;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import io.meshless.agent.observe.AgentStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.management.Attribute;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The agents running in local JVMs, read through the JDK Attach API: attach, start the JVM's local
 * management agent (loopback-only, same user), read {@value AgentStatus#NAME}. Needs a JDK (the
 * {@code jdk.attach} module) and the same user as the target JVM, as {@code jcmd} does.
 */
public final class RunningAgents {
    private RunningAgents() {}

    /** A local JVM: its process id and what it runs (main class or jar, as the JVM reports it). */
    public static final class LocalJvm {
        private final String pid;
        private final String displayName;

        LocalJvm(String pid, String displayName) {
            this.pid = pid;
            this.displayName = displayName;
        }

        public String pid() {
            return pid;
        }

        public String displayName() {
            return displayName;
        }
    }

    /** The JVMs of this user that accept attach, without this one (a JVM cannot attach to itself). */
    public static List<LocalJvm> list() {
        String self = Long.toString(ProcessHandle.current().pid());
        List<LocalJvm> jvms = new ArrayList<>();
        for (VirtualMachineDescriptor d : VirtualMachine.list()) {
            if (!d.id().equals(self)) {
                jvms.add(new LocalJvm(d.id(), d.displayName()));
            }
        }
        return jvms;
    }

    /**
     * The agent's MBean attributes in that JVM, by name in the interface's order; empty when the JVM runs no
     * agent (or its agent has not installed yet: it does so at the first TLS use).
     *
     * @throws CommandFailedException naming the pid when the JVM cannot be attached to or read
     */
    public static Optional<Map<String, Object>> read(String pid) throws CommandFailedException {
        String address;
        try {
            VirtualMachine vm = VirtualMachine.attach(pid);
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
        } catch (AttachNotSupportedException | IOException e) {
            throw new CommandFailedException("cannot attach to JVM " + pid + " (the same user as that JVM, and a JVM"
                    + " that allows attach, are needed): " + e.getMessage());
        }
        try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
            MBeanServerConnection server = connector.getMBeanServerConnection();
            ObjectName name = new ObjectName(AgentStatus.NAME);
            MBeanAttributeInfo[] infos;
            try {
                infos = server.getMBeanInfo(name).getAttributes();
            } catch (InstanceNotFoundException e) {
                return Optional.empty();
            }
            String[] names = new String[infos.length];
            for (int i = 0; i < infos.length; i++) {
                names[i] = infos[i].getName();
            }
            Map<String, Object> values = new LinkedHashMap<>();
            for (Attribute a : server.getAttributes(name, names).asList()) {
                values.put(a.getName(), a.getValue());
            }
            return Optional.of(ordered(values));
        } catch (IOException | JMException e) {
            throw new CommandFailedException("cannot read " + AgentStatus.NAME + " from JVM " + pid + ": " + e);
        }
    }

    /** In the order the interface declares them (JMX reports them in no defined order). */
    private static Map<String, Object> ordered(Map<String, Object> values) {
        Map<String, Object> ordered = new LinkedHashMap<>();
        for (String name : AgentStatus.ATTRIBUTES) {
            if (values.containsKey(name)) {
                ordered.put(name, values.remove(name));
            }
        }
        ordered.putAll(values);
        return ordered;
    }
}
