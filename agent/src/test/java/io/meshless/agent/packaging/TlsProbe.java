package io.meshless.agent.packaging;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * An unmodified program for child JVMs: it only uses the JDK's default TLS factories, never any
 * certificate of its own. Whatever identity it shows comes from the agent.
 * <ul>
 *   <li>{@code serve}: listens (SSLServerSocketFactory.getDefault()), prints {@code PORT n}, answers each
 *       connection with {@code peer <client certificate subject>}, until stdin closes;</li>
 *   <li>{@code serve-after-attach}: touches the JDK default context, waits for a line on stdin, then serves;</li>
 *   <li>{@code call <port>}: connects (SSLSocketFactory.getDefault()), prints {@code SERVER <serial hex>} and
 *       the server's line.</li>
 *   <li>{@code self-call}: one handshake with itself over the default factories, prints {@code SELF-CALL ...},
 *       then loads a class of its own ({@link AfterTls}), prints which loader holds the agent's bridge and
 *       whether it may call JDK internals.</li>
 *   <li>{@code status-mbean jmx-first|runtime-first|tls-first}: asks for the platform MBeanServer (or only the
 *       runtime MXBean, as Spring Boot does) before one handshake with itself, or nothing; prints
 *       {@code PLATFORM-SERVER present|absent} after the handshake, then asks for the platform MBeanServer and
 *       prints {@code MBEAN <Identity attribute>} of the agent's status MBean, or {@code MBEAN absent}.</li>
 * </ul>
 */
public final class TlsProbe {
    private TlsProbe() {}

    public static void main(String[] args) throws Exception {
        if (args[0].equals("serve")) {
            serve();
        } else if (args[0].equals("serve-after-attach")) {
            // Uses the JDK default before the agent arrives, then waits for the test to attach it.
            System.out.println("DEFAULT "
                    + javax.net.ssl.SSLContext.getDefault().getProvider().getName());
            System.out.flush();
            while (System.in.read() != '\n') {
                // wait for "go"
            }
            serve();
        } else if (args[0].equals("self-call")) {
            selfCall();
        } else if (args[0].equals("status-mbean")) {
            StatusMBean.run(args[1]);
        } else {
            call(Integer.parseInt(args[1]));
        }
    }

    /** Loaded only after the first TLS use, when the agent has put its bridge into the boot loader. */
    static final class AfterTls {
        static String greeting() {
            return "AFTER-TLS loaded";
        }
    }

    private static void selfCall() throws Exception {
        try (javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket) SSLServerSocketFactory.getDefault()
                .createServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try (SSLSocket accepted = (SSLSocket) server.accept()) {
                    accepted.startHandshake();
                    new PrintWriter(accepted.getOutputStream(), true, StandardCharsets.UTF_8).println("hello");
                } catch (Exception e) {
                    System.err.println("probe: server side failed: " + e);
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (SSLSocket socket = (SSLSocket)
                    SSLSocketFactory.getDefault().createSocket(server.getInetAddress(), server.getLocalPort())) {
                socket.setSoTimeout(20_000);
                socket.startHandshake();
                String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
                System.out.println("SELF-CALL " + socket.getSession().getProtocol() + " " + line);
            } catch (Exception e) {
                System.out.println("SELF-CALL failed " + e);
            }
        }
        System.out.println(AfterTls.greeting());
        try {
            Class<?> bridge = Class.forName("io.meshless.agent.bridge.MeshlessBridge");
            System.out.println("BRIDGE " + (bridge.getClassLoader() == null ? "bootstrap" : bridge.getClassLoader()));
        } catch (ClassNotFoundException e) {
            System.out.println("BRIDGE absent");
        }
        StringBuilder agentProperties = new StringBuilder();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.contains("meshless") || name.contains("bytebuddy")) {
                agentProperties.append(' ').append(name);
            }
        }
        System.out.println("PROPERTIES" + (agentProperties.length() == 0 ? " none" : agentProperties));
        try {
            Class.forName("jdk.internal.access.SharedSecrets")
                    .getMethod("getJavaLangAccess")
                    .invoke(null);
            System.out.println("INTERNALS open");
        } catch (IllegalAccessException e) {
            System.out.println("INTERNALS closed");
        }
    }

    /**
     * Its own class: the JMX types it names must not be in the main class's verification constraints, which a
     * class-data sharing archive checks by loading them when it loads that class.
     */
    static final class StatusMBean {
        private StatusMBean() {}

        static void run(String order) throws Exception {
            if (order.equals("jmx-first")) {
                java.lang.management.ManagementFactory.getPlatformMBeanServer();
            } else if (order.equals("runtime-first")) {
                java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
            }
            selfCall();
            System.out.println("PLATFORM-SERVER "
                    + (javax.management.MBeanServerFactory.findMBeanServer(null).isEmpty() ? "absent" : "present"));
            javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
            javax.management.ObjectName name = new javax.management.ObjectName("io.meshless:type=Agent");
            System.out.println(
                    "MBEAN " + (server.isRegistered(name) ? server.getAttribute(name, "Identity") : "absent"));
        }
    }

    private static void serve() throws Exception {
        ServerSocket server = SSLServerSocketFactory.getDefault()
                .createServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    SSLSocket tls = (SSLSocket) socket;
                    tls.startHandshake();
                    X509Certificate client = (X509Certificate) tls.getSession().getPeerCertificates()[0];
                    PrintWriter out = new PrintWriter(tls.getOutputStream(), true, StandardCharsets.UTF_8);
                    out.println("peer " + client.getSubjectAlternativeNames());
                } catch (Exception e) {
                    System.err.println("probe: connection failed: " + e);
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        System.out.println("PORT " + server.getLocalPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // Runs until the test closes stdin (or kills the process).
        }
        server.close();
    }

    private static void call(int port) throws Exception {
        try (SSLSocket socket = (SSLSocket) SSLSocketFactory.getDefault().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            X509Certificate server = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            System.out.println("SERVER " + server.getSerialNumber().toString(16));
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            System.out.println("LINE " + in.readLine());
        } catch (Exception e) {
            System.out.println("FAILED " + e);
            System.exit(3);
        }
    }
}
