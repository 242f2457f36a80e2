package io.meshless.agent.tls;

import java.lang.reflect.Method;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.UnrecoverableKeyException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the agent puts into Netty's OpenSSL contexts (plain Netty with netty-tcnative, and the copy inside
 * grpc-netty-shaded): the agent's key manager factory for clients built without key material, and the agent's
 * managers for key and trust material that {@link MountedMaterialAdoption} finds to be the mounted workload
 * material. The agent's factory is a plain {@link KeyManagerFactory}, for which Netty makes a key material
 * provider that asks the key manager at every handshake, so rotation reaches new handshakes; after a rotation the
 * contexts holding the workload key resume no session made before ({@link OpenSslResumption}). In audit mode the
 * inbound handshakes of adopted server contexts are where a client that sent no certificate is reported, as JSSE
 * engines report it ({@link AnonymousClients}).
 */
public final class OpenSslContexts {

    /** Starts the INFO line that says a client context without key material presents the workload certificate. */
    public static final String CLIENT_WITHOUT_KEYS = "Netty OpenSSL client contexts built without key material";

    /** In the WARN line of a Netty whose OpenSSL internals are not where the agent looks (hooks or resumption). */
    public static final String UNSUPPORTED_NETTY = "this Netty version is not one the agent supports";

    private static final Logger LOG = LoggerFactory.getLogger(OpenSslContexts.class);

    private final MountedMaterialAdoption adoption;
    private final Supplier<KeyManagerFactory> agentFactory;
    private final ClientAuthPolicy clientAuth;
    /** Server contexts whose key material was adopted: their engines ask clients what the mode demands. */
    private final Set<Object> managedServers = weakSet();
    /** Client and server contexts presenting the workload certificate (adopted or the agent's): see {@link #rotated}. */
    private final Set<Object> withWorkloadKey = weakSet();
    /** Audit mode: server engines of managed contexts whose handshake has not finished yet. */
    private final Set<Object> audited = weakSet();
    /**
     * What the key manager factory of the context being built on this thread turned out to be since that context
     * started: {@code providerFor} learns it, but not which context it is building.
     */
    private final ThreadLocal<KeyMaterial> keysHere = new ThreadLocal<>();

    private final OpenSslResumption resumption = new OpenSslResumption();
    /** Netty packages (plain or relocated) already reported, so a client per call does not log a line per call. */
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /**
     * @param adoption the one decision on the application's own managers
     * @param agentFactory a new key manager factory over the agent's reloading key manager, initialized
     * @param clientAuth what the mode asks of clients, applied to the engines of server contexts whose key
     *     material was adopted
     */
    public OpenSslContexts(
            MountedMaterialAdoption adoption, Supplier<KeyManagerFactory> agentFactory, ClientAuthPolicy clientAuth) {
        this.adoption = Objects.requireNonNull(adoption, "adoption");
        this.agentFactory = Objects.requireNonNull(agentFactory, "agentFactory");
        this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
    }

    /** The agent's factory, from the JSSE provider the agent registered under {@code providerName}. */
    public static Supplier<KeyManagerFactory> factoryOf(String providerName) {
        return () -> {
            try {
                KeyManagerFactory factory = KeyManagerFactory.getInstance(providerName);
                factory.init(null, null);
                return factory;
            } catch (NoSuchAlgorithmException | KeyStoreException | UnrecoverableKeyException e) {
                throw new IllegalStateException("the agent's KeyManagerFactory " + providerName + " is missing", e);
            }
        };
    }

    /**
     * A client context built with neither a key manager factory nor a certificate chain.
     *
     * @param context the {@code ReferenceCountedOpenSslClientContext} being built
     * @return the agent's factory, or null when this Netty's OpenSSL cannot take a key manager factory
     */
    public KeyManagerFactory forClientWithoutKeys(Object context) {
        String ssl = context.getClass().getPackage().getName();
        Optional<String> refusal = keyManagerFactoriesRefused(context.getClass());
        if (refusal.isPresent()) {
            if (reported.add(ssl + " refused")) {
                LOG.warn("{} ({}) present no client certificate: {}", CLIENT_WITHOUT_KEYS, ssl, refusal.get());
            }
            return null;
        }
        if (reported.add(ssl)) {
            LOG.info("{} ({}) present the workload certificate", CLIENT_WITHOUT_KEYS, ssl);
        }
        withWorkloadKey.add(context);
        return agentFactory.get();
    }

    /** The key manager factory an OpenSSL context turns into key material: the agent's when it holds the workload key. */
    public KeyManagerFactory onKeyManagerFactory(KeyManagerFactory applications) {
        KeyManager[] managers = applications.getKeyManagers();
        MountedMaterialAdoption.Adoption decided = adoption.adopt(managers, null, OpenSslContexts::where);
        if (!decided.adoptedAny()) {
            if (adoption.includesAgentsKeyManager(managers) && keysHere.get() == null) {
                keysHere.set(KeyMaterial.AGENTS);
            }
            return applications;
        }
        keysHere.set(KeyMaterial.ADOPTED);
        KeyManager[] adopted = decided.keyManagers();
        for (KeyManager manager : adopted) {
            if (manager instanceof MeshAliasKeyManager) {
                // The application's other keys (another host name, by SNI) stay beside the workload key.
                return new FixedKeyManagerFactory(adopted, applications);
            }
        }
        return agentFactory.get();
    }

    /** A server context starts building its key material on this thread ({@code newSessionContext} entered). */
    public void onServerContextStarts() {
        keysHere.remove();
    }

    /**
     * A server context has built its key material on this thread: when that was adopted, the context is the
     * mesh's, and its engines ask clients for a certificate as the mode demands, as JSSE servers do.
     */
    public void onServerContextBuilt(Object context) {
        KeyMaterial keys = contextBuilt(context);
        if (keys == KeyMaterial.ADOPTED && managedServers.add(context)) {
            LOG.info(
                    "{} ({}) holds the workload key: {}",
                    context.getClass().getSimpleName(),
                    context.getClass().getPackage().getName(),
                    clientAuth.demand());
        }
    }

    /**
     * A client context has built its key material on this thread ({@code newSessionContext} returned or threw):
     * one whose key manager factory held the workload key rotates its sessions with it.
     */
    public void onClientContextBuilt(Object context) {
        contextBuilt(context);
    }

    private KeyMaterial contextBuilt(Object context) {
        KeyMaterial keys = keysHere.get();
        keysHere.remove();
        if (keys != null) {
            withWorkloadKey.add(context);
        }
        return keys;
    }

    /**
     * An OpenSSL engine was created: a server engine of an adopted context asks what the mode demands, and in audit
     * mode its handshake is watched for a client that sends no certificate.
     */
    public void onEngineCreated(Object context, SSLEngine engine) {
        if (managedServers.contains(context)) {
            clientAuth.apply(engine);
            if (clientAuth.anonymousClients() != null && !engine.getUseClientMode()) {
                audited.add(engine);
            }
        }
    }

    /**
     * An OpenSSL engine's handshake step returned {@code status}: when a watched server engine has finished its
     * handshake, audit mode reports a client that sent no certificate, once per engine (Netty's OpenSSL engines
     * refuse renegotiation).
     */
    public void onHandshake(Object engine, Object status) {
        if (status == SSLEngineResult.HandshakeStatus.FINISHED && audited.remove(engine)) {
            AnonymousClients anonymous = clientAuth.anonymousClients();
            if (anonymous != null) {
                anonymous.finished((SSLEngine) engine);
            }
        }
    }

    /**
     * The workload certificate was replaced: every context presenting it, client and server, plain Netty and
     * relocated, resumes no session made before.
     *
     * @return how many cached sessions were invalidated
     */
    public int rotated() {
        List<Object> contexts;
        synchronized (withWorkloadKey) {
            contexts = new ArrayList<>(withWorkloadKey);
        }
        int invalidated = 0;
        for (Object context : contexts) {
            invalidated += resumption.rotated(context);
        }
        return invalidated;
    }

    /** The trust managers an OpenSSL context picks from: the agent's mesh trust manager in place of the mesh bundle. */
    public TrustManager[] onTrustManagers(TrustManager[] applications) {
        return adoption.adopt(null, applications, OpenSslContexts::where).trustManagers();
    }

    private static Set<Object> weakSet() {
        return Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    }

    /** A context's key material, as far as the agent is concerned. */
    private enum KeyMaterial {
        /** The application's own, holding the workload key: adopted, the agent's in its place. */
        ADOPTED,
        /** Built from the agent's key manager factory (the default algorithm) by the application. */
        AGENTS
    }

    /**
     * Netty refuses a key manager factory when OpenSSL cannot call back for key material (a very old OpenSSL, or
     * {@code -D...openssl.useKeyManagerFactory=false}); handing it one would fail the application's context.
     */
    private static Optional<String> keyManagerFactoriesRefused(Class<?> contextClass) {
        String openSsl = contextClass.getPackage().getName() + ".OpenSsl";
        try {
            Class<?> type = Class.forName(openSsl, false, contextClass.getClassLoader());
            Method use;
            try {
                use = type.getDeclaredMethod("useKeyManagerFactory");
            } catch (NoSuchMethodException e) {
                use = type.getDeclaredMethod("supportsKeyManagerFactory");
            }
            use.setAccessible(true);
            return Boolean.TRUE.equals(use.invoke(null))
                    ? Optional.empty()
                    : Optional.of(openSsl + " takes no KeyManagerFactory in this JVM");
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.of("cannot ask " + openSsl + " whether it takes a KeyManagerFactory: " + e);
        }
    }

    /** Which OpenSSL context, built from where: the first frame outside Netty, the agent and JSSE. */
    private static String where() {
        return StackWalker.getInstance().walk(frames -> {
            String[] found = {"Netty OpenSSL context", null};
            frames.forEach(frame -> {
                String name = frame.getClassName();
                if (name.endsWith(".ReferenceCountedOpenSslServerContext")
                        || name.endsWith(".ReferenceCountedOpenSslClientContext")) {
                    found[0] = name;
                } else if (found[1] == null
                        && !name.contains(".netty.")
                        && !name.startsWith("io.meshless.agent.")
                        && !name.startsWith("javax.net.ssl.")
                        && !name.startsWith("java.")) {
                    found[1] = frame.toStackTraceElement().toString();
                }
            });
            return found[0] + " built from " + (found[1] == null ? "(unknown caller)" : found[1]);
        });
    }
}
