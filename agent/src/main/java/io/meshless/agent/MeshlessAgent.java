package io.meshless.agent;

import io.meshless.agent.bridge.MeshlessBridge;
import io.meshless.agent.config.AgentConfig;
import io.meshless.agent.config.Mode;
import io.meshless.agent.instrumentation.Instrumentations;
import io.meshless.agent.log.StderrServiceProvider;
import io.meshless.agent.observe.AgentStatus;
import io.meshless.agent.observe.CredentialHistory;
import io.meshless.agent.tls.CallSite;
import io.meshless.agent.tls.ClientAuthPolicy;
import io.meshless.agent.tls.HandshakeCounts;
import io.meshless.agent.tls.ManagedContexts;
import io.meshless.agent.tls.MeshTrustManager;
import io.meshless.agent.tls.MeshlessProvider;
import io.meshless.agent.tls.OpenSslContexts;
import io.meshless.agent.tls.RefusalLog;
import io.meshless.agent.tls.RefusalReason;
import io.meshless.agent.tls.SecurelyNamedServers;
import io.meshless.pki.PkiException;
import io.meshless.pki.SpiffeId;
import io.meshless.pki.WorkloadCredentials;
import io.meshless.pki.reload.CredentialSource;
import io.meshless.pki.reload.ReloadListener;
import io.meshless.pki.reload.ReloadingKeyManager;
import io.meshless.pki.reload.WatchedCertDirectory;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs Meshless into this JVM: the workload credentials watcher, the {@code Meshless} JSSE
 * provider as the default key/trust manager algorithms, a default {@link SSLContext} over the
 * agent's managers, and the bytecode hooks for what configuration alone cannot reach.
 * Started by {@link FirstTlsUse}; never throws into the application.
 */
public final class MeshlessAgent {

    /** Starts the INFO line that says a rotation was picked up; tests look for it. */
    public static final String ROTATED = "rotated to";

    /** Starts the INFO line that says the agent is installed, with its settings and identity; tests look for it. */
    public static final String INSTALLED = "installed";

    /** How often the cert dir is re-hashed for file systems that send no events. */
    static final Duration POLL_INTERVAL = Duration.ofSeconds(2);

    private static final Object LOCK = new Object();
    private static volatile MeshlessAgent installed;

    private final AgentConfig config;
    private final Instrumentation instrumentation;
    private final boolean attached;
    private final Clock clock;
    private volatile WatchedCertDirectory certificates;
    private volatile FutureTask<WatchedCertDirectory> firstRead;
    private final ManagedContexts managed;
    private final SecurelyNamedServers securelyNamed = new SecurelyNamedServers();
    private final RefusalLog refusals;
    private final HandshakeCounts accepted = new HandshakeCounts();
    private final CredentialHistory history = new CredentialHistory();
    private final CredentialSource current;
    private final Object startLock = new Object();
    private volatile boolean started;
    /** Whether ManagementFactory may have been used before the start (attach, or it loaded first). */
    private final boolean managementInUse;

    private final AtomicBoolean statusRegistered = new AtomicBoolean();
    private boolean starting;
    private volatile String lastProblem;
    private volatile SSLContext defaultContext;
    private volatile SSLSocketFactory defaultSocketFactory;
    /**
     * Created at the first Netty hook: loading it names KeyManagerFactory, whose own loading may be what is
     * installing the agent right now (a ClassCircularityError).
     */
    private final Lazy<OpenSslContexts> openSsl;

    private MeshlessAgent(
            AgentConfig config,
            Clock clock,
            Instrumentation instrumentation,
            boolean attached,
            boolean managementInUse) {
        this.config = config;
        this.managementInUse = managementInUse;
        this.instrumentation = instrumentation;
        this.attached = attached;
        this.clock = clock;
        // The watcher (and with it pki's parsing and Bouncy Castle) is created on first TLS use.
        CredentialSource current = () -> {
            WatchedCertDirectory watcher = certificates;
            return watcher == null ? Optional.empty() : watcher.current();
        };
        this.current = current;
        Supplier<X509ExtendedTrustManager> systemTrust =
                config.trustSystemCas() ? new Lazy<>(MeshTrustManager::systemDefault) : null;
        this.refusals = new RefusalLog(clock);
        MeshTrustManager trustManager = new MeshTrustManager(
                current,
                config.allowedPeers().orElse(null),
                systemTrust,
                config.certDir().toString(),
                securelyNamed,
                refusals,
                config.mode() == Mode.AUDIT,
                accepted);
        this.managed = new ManagedContexts(
                current, new ReloadingKeyManager(current), trustManager, new ClientAuthPolicy(config.mode(), refusals));
        this.openSsl = new Lazy<>(() -> new OpenSslContexts(
                managed.adoption(), OpenSslContexts.factoryOf(MeshlessProvider.NAME), managed.clientAuth()));
    }

    /** Created on first use: SLF4J is not initialized at all in a JVM that never uses TLS. */
    private static Logger log() {
        return LoggerFactory.getLogger(MeshlessAgent.class);
    }

    /**
     * Installs everything now: attach, or a JVM whose TLS classes were loaded before premain.
     * {@link FirstTlsUse} has validated the configuration.
     */
    static void install(AgentConfig config, Instrumentation instrumentation, boolean attached) {
        install(config, instrumentation, attached, true, true);
    }

    /**
     * Installs at the first use of TLS, from {@link FirstTlsUse} while the first JSSE class the agent
     * watches is being loaded.
     *
     * @param managementInUse whether {@code ManagementFactory} loaded before: the status MBean is then registered at
     *     the start, else when the platform MBeanServer is first asked for
     * @return the hooks' transformer for that class and the later ones, or null when there is none
     */
    static ClassFileTransformer installAtFirstUse(
            AgentConfig config, Instrumentation instrumentation, boolean managementInUse) {
        return install(config, instrumentation, false, false, managementInUse);
    }

    private static ClassFileTransformer install(
            AgentConfig config,
            Instrumentation instrumentation,
            boolean attached,
            boolean eager,
            boolean managementInUse) {
        StderrServiceProvider.setThreshold(config.logLevel());
        synchronized (LOCK) {
            if (installed != null) {
                log().warn(
                                "the agent is already installed in this JVM; ignoring the second {}",
                                attached ? "attach" : "-javaagent");
                return null;
            }
            try {
                MeshlessAgent agent =
                        new MeshlessAgent(config, Clock.systemUTC(), instrumentation, attached, managementInUse);
                ClassFileTransformer hooks = agent.arm(eager);
                installed = agent;
                return hooks;
            } catch (Throwable t) {
                log().error(
                                "the agent could not be installed; the application continues without it: {}",
                                t.toString(),
                                t);
                return null;
            }
        }
    }

    /**
     * What must be in place before the application's first TLS use, and is cheap: the JSSE provider
     * and default algorithms, and the bytecode hooks (eagerly: installed and retransformed now; else
     * returned, for the JSSE class being loaded and the later ones). The certificates are read from
     * here on, on a daemon thread, and the default context built on first use ({@link #ensureStarted});
     * both now when eager.
     */
    private ClassFileTransformer arm(boolean eager) {
        if (config.logLevel().allows(io.meshless.agent.config.LogLevel.DEBUG)) {
            log().debug("configuration: {}", config);
        }
        armSecurity();
        if (!eager) {
            readCertificatesInBackground();
        }
        ClassFileTransformer hooks = null;
        try {
            injectBridge();
            if (eager) {
                Instrumentations.install(instrumentation);
            } else {
                hooks = Instrumentations.transformer();
            }
        } catch (Throwable t) {
            log().warn(
                            "bytecode hooks not installed ({}); the default SSLContext and key/trust manager factories"
                                    + " still carry the workload identity",
                            t.toString(),
                            t);
        }
        if (eager) {
            ensureStarted();
        } else if (config.logLevel().allows(io.meshless.agent.config.LogLevel.DEBUG)) {
            log().debug(
                            "armed at the first JSSE class (mode={}, cert-dir={}); reading the certificates",
                            config.mode().value(),
                            config.certDir());
        }
        return hooks;
    }

    /**
     * The JSSE provider and default algorithms, and TLS 1.2+ only. Runs when the first JSSE class the
     * agent watches loads (SSLContext, KeyManagerFactory, TrustManagerFactory), before it is used.
     */
    private void armSecurity() {
        restrictToTls12AndLater();
        refuseClientInitiatedRenegotiation();
        String platformKeyAlgorithm = platformAlgorithm("ssl.KeyManagerFactory.algorithm", "SunX509");
        String platformTrustAlgorithm = platformAlgorithm("ssl.TrustManagerFactory.algorithm", "PKIX");
        // The agent is this JVM's TLS configuration: registering the provider and making its
        // factories the defaults is the point, unlike a library that must leave them alone.
        Security.addProvider(new MeshlessProvider(
                () -> {
                    ensureStarted();
                    return managed.keyManager();
                },
                () -> {
                    ensureStarted();
                    return managed.trustManager();
                },
                platformKeyAlgorithm,
                platformTrustAlgorithm));
        Security.setProperty("ssl.KeyManagerFactory.algorithm", MeshlessProvider.NAME);
        Security.setProperty("ssl.TrustManagerFactory.algorithm", MeshlessProvider.NAME);
    }

    /**
     * Loads the certificates, starts watching them and installs the default context, once. Runs on
     * the first TLS use (from the hooks or the provider) or at attach time. A re-entrant call from
     * our own {@code SSLContext.init} returns at once.
     */
    void ensureStarted() {
        if (started) {
            return;
        }
        synchronized (startLock) {
            if (started || starting) {
                return;
            }
            starting = true;
            try {
                start();
            } catch (Throwable t) {
                log().error(
                                "the agent could not install its TLS defaults; the application continues: {}",
                                t.toString(),
                                t);
            } finally {
                started = true;
                starting = false;
            }
        }
    }

    private void start() throws Exception {
        FutureTask<WatchedCertDirectory> reading = firstRead;
        if (reading == null) {
            openCertificates();
        } else {
            awaitUninterruptibly(reading);
        }
        SSLContext context = newTlsContext();
        context.init(new KeyManager[] {managed.keyManager()}, new TrustManager[] {managed.trustManager()}, null);
        managed.add(context);
        defaultSocketFactory = context.getSocketFactory();
        defaultContext = context;
        SSLContext.setDefault(context);
        if (attached) {
            // Attached to a running JVM: HttpsURLConnection may have cached the old default factory.
            HttpsURLConnection.setDefaultSSLSocketFactory(defaultSocketFactory);
        }
        Optional<WorkloadCredentials> now = certificates.current();
        log().info(
                        INSTALLED + " (mode={}, cert-dir={}, allowed-peers={}, trust-system-cas={}); {}",
                        config.mode().value(),
                        config.certDir(),
                        config.allowedPeers()
                                .map(Object::toString)
                                .orElse(
                                        now.isPresent() && !now.get().spiffeId().isPresent()
                                                ? "every peer that chains to the trust bundle (no SPIFFE ID of our own)"
                                                : "own trust domain"),
                        config.trustSystemCas(),
                        now.map(MeshlessAgent::describe)
                                .orElse("no usable workload credentials yet: TLS handshakes fail"
                                        + " closed until they appear"));
        if (managementInUse) {
            registerStatusIfJmxStarted();
        }
    }

    /**
     * ManagementFactory was loaded before the start, so the hook that registers the status MBean at the first request
     * for the platform MBeanServer may come too late. Weave it now (retransformation starts from the original class
     * file: never woven twice), and register at once only if that server exists: many applications load
     * ManagementFactory for a runtime or memory bean alone, and creating the platform MBeanServer for them is what
     * this avoids.
     */
    private void registerStatusIfJmxStarted() {
        try {
            boolean rewoven = true;
            try {
                instrumentation.retransformClasses(ManagementFactory.class);
            } catch (RuntimeException | UnmodifiableClassException e) {
                rewoven = false;
                log().debug("ManagementFactory not rewoven ({}); registering the status MBean now", e.toString());
            }
            // Lists the servers MBeanServerFactory created, the platform one among them, without creating any.
            if (!rewoven || !MBeanServerFactory.findMBeanServer(null).isEmpty()) {
                registerStatus(ManagementFactory.getPlatformMBeanServer());
            }
        } catch (LinkageError e) {
            // A runtime image without java.management (jlink): nobody can read the MBean anyway.
            log().debug("no status MBean: {}", e.toString());
        }
    }

    /**
     * The MBean {@code io.meshless:type=Agent}, once, in the platform MBeanServer: at the start when JMX was in use
     * before it, else when the platform MBeanServer is first asked for (the bridge's hook). Without it the agent
     * works, unobserved.
     */
    private void registerStatus(MBeanServer server) {
        if (!statusRegistered.compareAndSet(false, true)) {
            return;
        }
        try {
            new AgentStatus(config, current, refusals, accepted, history, managed.uncovered(), clock).register(server);
        } catch (Throwable t) {
            log().warn(
                            "the MBean {} is not registered ({}); the agent works without it",
                            AgentStatus.NAME,
                            t.toString());
        }
    }

    /** Reads the certificates for the first time and starts watching them. */
    private WatchedCertDirectory openCertificates() {
        WatchedCertDirectory watcher = new WatchedCertDirectory(config.certDir(), clock, POLL_INTERVAL, new Listener());
        certificates = watcher;
        watcher.start();
        return watcher;
    }

    /**
     * Starts the first read of the certificates on a daemon thread, so that it overlaps the preparation of
     * the bytecode hooks and whatever else the application does before its first handshake; {@link #start}
     * waits for it. Only the read: installing the default context stays on the application's thread, which
     * may hold {@code SSLContext}'s class lock ({@code getDefault} is synchronized) while it waits.
     */
    private void readCertificatesInBackground() {
        FutureTask<WatchedCertDirectory> reading = new FutureTask<>(this::openCertificates);
        Thread thread = new Thread(reading, "meshless-first-read");
        thread.setDaemon(true);
        firstRead = reading;
        thread.start();
    }

    private static void awaitUninterruptibly(FutureTask<WatchedCertDirectory> reading) throws Exception {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    reading.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    throw cause instanceof Exception ? (Exception) cause : new IllegalStateException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Puts the bridge into the boot loader and points its hooks at this agent. */
    private void injectBridge() {
        try {
            Instrumentations.injectBridge(instrumentation);
        } catch (Exception e) {
            throw new IllegalStateException("cannot inject the bootstrap bridge: " + e, e);
        }
        // Through a class of its own: verifying this one must not load the bridge's types into the
        // application's class loader before they exist in the boot loader.
        BridgeHooks.install(this);
    }

    /** A server of a managed context refused a client that sent no certificate: no trust manager saw it. */
    private void onClientSentNoCertificate(Object transport, String diagnostic) {
        if (!managed.isManagedServer(transport)) {
            return;
        }
        String remote = transport instanceof SSLSocket
                ? RefusalLog.remote((SSLSocket) transport)
                : transport instanceof SSLEngine ? RefusalLog.remote((SSLEngine) transport) : null;
        refusals.refused(
                RefusalLog.Side.INBOUND,
                remote,
                null,
                RefusalReason.NO_CERTIFICATE,
                "mode=" + config.mode().value() + " requires a client certificate");
    }

    /** A library's host-name verifier refused {@code host}: secure naming overrules it for authorized leaves. */
    private boolean overrulesHostNameCheck(String host, Object certificate) {
        if (!securelyNamed.includes(certificate)) {
            return false;
        }
        if (config.logLevel().allows(io.meshless.agent.config.LogLevel.DEBUG)) {
            log().debug(
                            "the HTTP library's host-name check refused {} for {}; accepted by secure naming: the agent"
                                    + " authorized this server by SPIFFE ID during the handshake",
                            host,
                            SpiffeId.fromCertificate((X509Certificate) certificate)
                                    .map(Object::toString)
                                    .orElse("?"));
        }
        return true;
    }

    private boolean refuse(boolean refuse, String what) {
        if (refuse) {
            log().warn(
                            "refused {} from {}: the Meshless agent owns this JVM's default TLS configuration",
                            what,
                            CallSite.ofApplication());
        }
        return refuse;
    }

    private static SSLContext newTlsContext() throws NoSuchAlgorithmException {
        try {
            return SSLContext.getInstance("TLS", "SunJSSE");
        } catch (NoSuchProviderException e) {
            return SSLContext.getInstance("TLS");
        }
    }

    private static String platformAlgorithm(String property, String fallback) {
        String value = Security.getProperty(property);
        return value == null || value.isEmpty() || value.equals(MeshlessProvider.NAME) ? fallback : value;
    }

    /**
     * TLS 1.2 and 1.3 only: adds the older protocols to {@code jdk.tls.disabledAlgorithms} when the
     * JDK does not already disable them. Runs before JSSE reads the property.
     */
    private static void restrictToTls12AndLater() {
        String disabled = Security.getProperty("jdk.tls.disabledAlgorithms");
        StringBuilder value = new StringBuilder(disabled == null ? "" : disabled);
        for (String protocol : new String[] {"SSLv3", "TLSv1", "TLSv1.1"}) {
            if (!containsEntry(disabled, protocol)) {
                value.append(value.length() == 0 ? "" : ", ").append(protocol);
            }
        }
        Security.setProperty("jdk.tls.disabledAlgorithms", value.toString());
    }

    /**
     * Servers refuse a TLS 1.2 renegotiation the client starts, as nginx does (renegotiation lets a
     * client make the server redo expensive handshake work on one connection at will; TLS 1.3 has
     * none). JSSE reads this property once, when its first server handshake initializes
     * {@code ServerHandshakeContext}: this runs when the first JSSE class the agent watches loads,
     * before any handshake. A value the JVM was started with is left as it is.
     */
    private static void refuseClientInitiatedRenegotiation() {
        if (System.getProperty(REJECT_RENEGOTIATION) == null) {
            System.setProperty(REJECT_RENEGOTIATION, "true");
        }
    }

    static final String REJECT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";

    private static boolean containsEntry(String list, String entry) {
        if (list == null) {
            return false;
        }
        for (String e : list.split(",")) {
            if (e.trim().equals(entry)) {
                return true;
            }
        }
        return false;
    }

    static String describe(WorkloadCredentials credentials) {
        return "identity "
                + credentials
                        .spiffeId()
                        .map(Object::toString)
                        .orElse("'"
                                + credentials
                                        .identity()
                                        .certificate()
                                        .getSubjectX500Principal()
                                        .getName() + "' (no SPIFFE ID)")
                + ", serial " + credentials.serialHex() + ", valid until " + credentials.notAfter();
    }

    /** Drops cached sessions after a swap; pki's watcher itself logs each load and refusal once. */
    private final class Listener implements ReloadListener {
        @Override
        public void loaded(WorkloadCredentials previous, WorkloadCredentials current) {
            lastProblem = null;
            if (previous == null) {
                log().debug("serving {}", describe(current));
                return;
            }
            if (!previous.trustBundle().equals(current.trustBundle())) {
                securelyNamed.forgetAll();
            }
            history.rotated(clock.instant());
            int sessions = managed.retire(previous.identity().certificate());
            OpenSslContexts nettyContexts = openSsl.ifCreated();
            if (nettyContexts != null) {
                sessions += nettyContexts.rotated();
            }
            log().info(
                            "{} {} (was serial {}); invalidated {} cached TLS sessions and resume none made"
                                    + " with the old certificate; open connections keep the identity they handshook with until"
                                    + " they reconnect",
                            ROTATED,
                            describe(current),
                            previous.serialHex(),
                            sessions);
        }

        @Override
        public void rejected(PkiException problem) {
            history.refused(problem.getMessage(), clock.instant());
            WatchedCertDirectory watcher = certificates;
            if ((watcher != null && watcher.current().isPresent())
                    || problem.getMessage().equals(lastProblem)) {
                return; // pki logged it, and the last good set keeps serving
            }
            lastProblem = problem.getMessage();
            log().warn(
                            "no usable workload credentials in {}: TLS handshakes fail closed until valid material"
                                    + " appears (the JVM keeps running)",
                            config.certDir());
        }
    }

    /** What the woven hooks do, through {@link MeshlessBridge}; the bridge catches whatever these throw. */
    private static final class BridgeHooks implements MeshlessBridge.Hooks {
        private final MeshlessAgent agent;
        private final ManagedContexts managed;
        private final Supplier<OpenSslContexts> openSsl;

        private BridgeHooks(MeshlessAgent agent) {
            this.agent = agent;
            this.managed = agent.managed;
            this.openSsl = agent.openSsl;
        }

        static void install(MeshlessAgent agent) {
            MeshlessBridge.install(new BridgeHooks(agent));
        }

        @Override
        public MeshlessBridge.Managers contextInit(
                SSLContext context,
                SSLContextSpi implementation,
                KeyManager[] keyManagers,
                TrustManager[] trustManagers) {
            agent.ensureStarted();
            return managed.onInit(context, implementation, keyManagers, trustManagers);
        }

        @Override
        public void beforeGetDefault() {
            agent.ensureStarted();
        }

        @Override
        public boolean refusesDefaultContext(SSLContext context) {
            agent.ensureStarted();
            SSLContext ours = agent.defaultContext;
            return ours != null && agent.refuse(context != ours, "SSLContext.setDefault");
        }

        @Override
        public boolean refusesDefaultSocketFactory(SSLSocketFactory factory) {
            agent.ensureStarted();
            SSLSocketFactory ours = agent.defaultSocketFactory;
            return ours != null && agent.refuse(factory != ours, "HttpsURLConnection.setDefaultSSLSocketFactory");
        }

        @Override
        public SSLEngine engineCreated(SSLContext context, SSLEngine engine) {
            return managed.onEngineCreated(context, engine);
        }

        @Override
        public SSLServerSocketFactory serverSocketFactory(SSLContext context, SSLServerSocketFactory factory) {
            return managed.onServerSocketFactory(context, factory);
        }

        @Override
        public boolean refusesResumption(SSLSession session) {
            return managed.refusesResumption(session);
        }

        @Override
        public boolean securelyNamed(String host, X509Certificate leaf) {
            return agent.overrulesHostNameCheck(host, leaf);
        }

        @Override
        public void clientAuthSet(Object socket, String method) {
            managed.sockets().onClientAuthSet(socket, method);
        }

        @Override
        public void accepted(SSLServerSocket server, Socket accepted) {
            managed.sockets().onAccepted(server, accepted);
        }

        @Override
        public void layeredServerSocket(SSLContextSpi implementation, SSLSocket socket) {
            managed.onLayeredServerSocket(implementation, socket);
        }

        @Override
        public void clientSentNoCertificate(Object transport, String diagnostic) {
            agent.onClientSentNoCertificate(transport, diagnostic);
        }

        @Override
        public KeyManagerFactory openSslClientWithoutKeys(Object context) {
            agent.ensureStarted();
            return openSsl.get().forClientWithoutKeys(context);
        }

        @Override
        public KeyManagerFactory openSslKeyManagerFactory(KeyManagerFactory factory) {
            agent.ensureStarted();
            return openSsl.get().onKeyManagerFactory(factory);
        }

        @Override
        public TrustManager[] openSslTrustManagers(TrustManager[] managers) {
            agent.ensureStarted();
            return openSsl.get().onTrustManagers(managers);
        }

        @Override
        public void openSslServerContextStarts() {
            openSsl.get().onServerContextStarts();
        }

        @Override
        public void openSslServerContextBuilt(Object context) {
            openSsl.get().onServerContextBuilt(context);
        }

        @Override
        public void openSslEngineCreated(Object context, Object engine) {
            openSsl.get().onEngineCreated(context, (SSLEngine) engine);
        }

        @Override
        public void openSslClientContextBuilt(Object context) {
            openSsl.get().onClientContextBuilt(context);
        }

        @Override
        public void openSslHandshakeStep(Object engine, SSLEngineResult.HandshakeStatus status) {
            openSsl.get().onHandshake(engine, status);
        }

        @Override
        public void platformMBeanServer(MBeanServer server) {
            agent.registerStatus(server);
        }
    }

    /** Memoizes a supplier on first use (loading the JDK's CA store costs start-up time). */
    private static final class Lazy<T> implements Supplier<T> {
        private final Supplier<T> factory;
        private volatile T value;

        Lazy(Supplier<T> factory) {
            this.factory = factory;
        }

        /** The value when it was created, else null (without creating it). */
        T ifCreated() {
            return value;
        }

        @Override
        public T get() {
            T v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) {
                        v = factory.get();
                        value = v;
                    }
                }
            }
            return v;
        }
    }
}
