package io.meshless.agent.instrumentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshless.agent.bridge.MeshlessBridge;
import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyType;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.SpiffeId;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Type;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hook table against the bridge and against the class files it weaves: those of this JDK and of the HTTP
 * libraries and Netty on the test class path. The woven host-name verifiers are loaded and run, so the JVM's
 * verifier checks the woven code and its frames.
 */
class HookTableTest {
    private static final HeldCertificate SPIFFE_ONLY_LEAF = CertificateAuthority.createRoot(
                    "hooks test root", Duration.ofDays(1), KeyType.EC_P256, Clock.systemUTC())
            .issue(LeafSpec.builder()
                    .spiffeId(SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/orders"))
                    .build());
    private static final String HOST = "orders.shop.svc.cluster.local";

    @AfterEach
    void uninstallHooks() {
        MeshlessBridge.install(null);
    }

    @Test
    void everyWovenCallNamesAPublicStaticBridgeMethodWithThatDescriptor() {
        List<String> bridgeMethods = new ArrayList<>();
        for (Method method : MeshlessBridge.class.getDeclaredMethods()) {
            if (Modifier.isStatic(method.getModifiers()) && Modifier.isPublic(method.getModifiers())) {
                bridgeMethods.add(method.getName() + Type.getMethodDescriptor(method));
            }
        }
        for (TypeHooks type : HookTable.all()) {
            for (Hook hook : type.hooks()) {
                for (Weave weave : hook.weaves()) {
                    assertThat(bridgeMethods)
                            .as("%s %s", type.typeName(), hook.description())
                            .contains(weave.bridgeMethod() + weave.bridgeDescriptor());
                }
            }
        }
    }

    @Test
    void everyHookFindsItsMethodsInThisJdkAndTheLibrariesOnTheTestClassPath() throws IOException {
        int checked = 0;
        for (TypeHooks type : HookTable.all()) {
            byte[] bytes = classFile(type.internalName());
            if (bytes == null) {
                assertThat(type.typeName())
                        .as("only the relocated Netty copies are absent")
                        .startsWith("io.grpc.");
                continue;
            }
            HookWeaver weaver = weave(type, bytes).weaver;
            assertThat(weaver.unmatched()).as(type.typeName()).isEmpty();
            assertThat(weaver.woven()).as(type.typeName()).isTrue();
            checked++;
        }
        assertThat(checked)
                .isEqualTo(HookTable.all().size()
                        - NettyOpenSslInstrumentation.all().size() / 2);
    }

    @Test
    void aHookWhoseMethodIsMissingIsReportedAndTheClassIsLeftAsItIs() throws IOException {
        TypeHooks type = TypeHooks.of(
                "org.apache.http.conn.ssl.DefaultHostnameVerifier",
                Hook.on(
                        "verify(String, X509Certificate, boolean)",
                        MethodPattern.named("verify").takesArguments(3),
                        Weave.atEntry("beforeGetDefault", "()V")));

        Woven woven = weave(type, classFile(type.internalName()));

        assertThat(woven.weaver.unmatched())
                .extracting(Hook::description)
                .containsExactly("verify(String, X509Certificate, boolean)");
        assertThat(woven.weaver.woven()).isFalse();
    }

    @Test
    void aThrowingHostnameCheckStandsUnlessTheAgentAuthorizedTheLeaf() throws Throwable {
        Object verifier = wovenInstance(
                "org.apache.hc.client5.http.ssl.DefaultHostnameVerifier", "org.apache.hc.client5.http.ssl.");
        Method verify = verifier.getClass().getMethod("verify", String.class, X509Certificate.class);

        assertThatThrownBy(() -> invoke(verify, verifier)).isInstanceOf(SSLException.class);

        MeshlessBridge.install(new SecurelyNaming(false));
        assertThatThrownBy(() -> invoke(verify, verifier)).isInstanceOf(SSLException.class);

        MeshlessBridge.install(new SecurelyNaming(true));
        invoke(verify, verifier);

        MeshlessBridge.install(new FailingHooks());
        assertThatThrownBy(() -> invoke(verify, verifier)).isInstanceOf(SSLException.class);
    }

    @Test
    void aBooleanHostnameCheckStandsUnlessTheAgentAuthorizedTheLeaf() throws Throwable {
        Object verifier = wovenInstance("okhttp3.internal.tls.OkHostnameVerifier", "okhttp3.internal.tls.");
        Method verify = verifier.getClass().getMethod("verify", String.class, X509Certificate.class);

        assertThat(invoke(verify, verifier)).isEqualTo(false);

        MeshlessBridge.install(new SecurelyNaming(false));
        assertThat(invoke(verify, verifier)).isEqualTo(false);

        MeshlessBridge.install(new SecurelyNaming(true));
        assertThat(invoke(verify, verifier)).isEqualTo(true);

        MeshlessBridge.install(new FailingHooks());
        assertThat(invoke(verify, verifier)).isEqualTo(false);
    }

    @Test
    void aRefusedCallSkipsTheBodyAndReplacedManagersReachIt() throws Throwable {
        TypeHooks table = tableEntry("javax.net.ssl.SSLContext");
        TypeHooks type = TypeHooks.of(
                WeavingFixture.class.getName(),
                Hook.on(
                        "setDefault",
                        MethodPattern.named("setDefault").isStatic().takesArguments(1),
                        weavesOf(table, "static setDefault(SSLContext)")),
                Hook.on(
                        "initialize",
                        MethodPattern.named("initialize").takesArguments(3),
                        weavesOf(table, "init(KeyManager[], TrustManager[], SecureRandom)")));
        Woven woven = weave(type, classFile(type.internalName()));
        assertThat(woven.weaver.unmatched()).isEmpty();
        Class<?> fixture = Class.forName(
                type.typeName(),
                true,
                new PackageFirstLoader("io.meshless.agent.instrumentation.", type.typeName(), woven.bytes));
        Method setDefault = fixture.getMethod("setDefault", SSLContext.class);
        Method initialize =
                fixture.getMethod("initialize", KeyManager[].class, TrustManager[].class, SecureRandom.class);
        SSLContext first = SSLContext.getInstance("TLS");
        SSLContext second = SSLContext.getInstance("TLS");
        KeyManager[] ours = {new NoKeys()};
        TrustManager[] oursToo = {};

        setDefault.invoke(null, first);
        Object context = fixture.getConstructor().newInstance();
        initialize.invoke(context, null, null, null);
        assertThat(fixture.getField("lastDefault").get(null)).isSameAs(first);
        assertThat(fixture.getField("keyManagers").get(context)).isNull();

        Refusing refusing = new Refusing(ours, oursToo);
        MeshlessBridge.install(refusing);
        setDefault.invoke(null, second);
        initialize.invoke(context, null, null, null);
        assertThat(fixture.getField("lastDefault").get(null)).isSameAs(first);
        assertThat(fixture.getField("keyManagers").get(context)).isSameAs(ours);
        assertThat(fixture.getField("trustManagers").get(context)).isSameAs(oursToo);
        assertThat(refusing.initialized).isSameAs(context);

        MeshlessBridge.install(new FailingHooks());
        setDefault.invoke(null, second);
        initialize.invoke(context, null, null, null);
        assertThat(fixture.getField("lastDefault").get(null)).isSameAs(second);
        assertThat(fixture.getField("keyManagers").get(context)).isNull();
    }

    private static TypeHooks tableEntry(String typeName) {
        for (TypeHooks candidate : HookTable.all()) {
            if (candidate.typeName().equals(typeName)) {
                return candidate;
            }
        }
        throw new AssertionError("no hooks for " + typeName);
    }

    private static Weave[] weavesOf(TypeHooks type, String description) {
        for (Hook hook : type.hooks()) {
            if (hook.description().equals(description)) {
                return hook.weaves().toArray(new Weave[0]);
            }
        }
        throw new AssertionError(type.typeName() + " has no hook " + description);
    }

    /** Refuses every new default and hands its own managers to every initialization. */
    private static final class Refusing extends SecurelyNaming {
        private final KeyManager[] keyManagers;
        private final TrustManager[] trustManagers;
        private volatile SSLContext initialized;

        Refusing(KeyManager[] keyManagers, TrustManager[] trustManagers) {
            super(false);
            this.keyManagers = keyManagers;
            this.trustManagers = trustManagers;
        }

        @Override
        public boolean refusesDefaultContext(SSLContext context) {
            return true;
        }

        @Override
        public MeshlessBridge.Managers contextInit(
                SSLContext context, SSLContextSpi implementation, KeyManager[] keys, TrustManager[] trust) {
            initialized = context;
            return new MeshlessBridge.Managers(keyManagers, trustManagers);
        }
    }

    private static final class NoKeys implements KeyManager {}

    private static Object invoke(Method verify, Object verifier) throws Throwable {
        try {
            return verify.invoke(verifier, HOST, SPIFFE_ONLY_LEAF.certificate());
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The library's verifier, woven, with its package defined again next to it (for its package-private parts). */
    private static Object wovenInstance(String typeName, String packagePrefix) throws Exception {
        TypeHooks type = null;
        for (TypeHooks candidate : HookTable.all()) {
            if (candidate.typeName().equals(typeName)) {
                type = candidate;
            }
        }
        byte[] woven = weave(type, classFile(type.internalName())).bytes;
        ClassLoader loader = new PackageFirstLoader(packagePrefix, typeName, woven);
        Class<?> verifier = Class.forName(typeName, true, loader);
        try {
            return verifier.getField("INSTANCE").get(null);
        } catch (NoSuchFieldException e) {
            return verifier.getConstructor().newInstance();
        }
    }

    private static Woven weave(TypeHooks type, byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(reader, 0);
        HookWeaver weaver = new HookWeaver(writer, type);
        reader.accept(weaver, ClassReader.EXPAND_FRAMES);
        return new Woven(weaver, writer.toByteArray());
    }

    private static byte[] classFile(String internalName) throws IOException {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(internalName + ".class")) {
            return in == null ? null : in.readAllBytes();
        }
    }

    private static final class Woven {
        final HookWeaver weaver;
        final byte[] bytes;

        Woven(HookWeaver weaver, byte[] bytes) {
            this.weaver = weaver;
            this.bytes = bytes;
        }
    }

    /** Defines one package itself (one class of it woven), so the woven class keeps its package-private access. */
    private static final class PackageFirstLoader extends ClassLoader {
        private final String packagePrefix;
        private final String wovenName;
        private final byte[] woven;

        PackageFirstLoader(String packagePrefix, String wovenName, byte[] woven) {
            super(HookTableTest.class.getClassLoader());
            this.packagePrefix = packagePrefix;
            this.wovenName = wovenName;
            this.woven = woven;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(packagePrefix)
                    || name.substring(packagePrefix.length()).contains(".")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded != null) {
                    return loaded;
                }
                byte[] bytes;
                try {
                    bytes = name.equals(wovenName) ? woven : classFile(name.replace('.', '/'));
                } catch (IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
                if (bytes == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, bytes, 0, bytes.length);
            }
        }
    }

    /** Hooks that change nothing, but for the secure-naming answer. */
    private static class SecurelyNaming implements MeshlessBridge.Hooks {
        private final boolean securelyNamed;

        SecurelyNaming(boolean securelyNamed) {
            this.securelyNamed = securelyNamed;
        }

        @Override
        public boolean securelyNamed(String host, X509Certificate leaf) {
            return securelyNamed && host.equals(HOST) && leaf.equals(SPIFFE_ONLY_LEAF.certificate());
        }

        @Override
        public MeshlessBridge.Managers contextInit(
                javax.net.ssl.SSLContext context,
                javax.net.ssl.SSLContextSpi implementation,
                javax.net.ssl.KeyManager[] keyManagers,
                javax.net.ssl.TrustManager[] trustManagers) {
            return null;
        }

        @Override
        public void beforeGetDefault() {}

        @Override
        public boolean refusesDefaultContext(javax.net.ssl.SSLContext context) {
            return false;
        }

        @Override
        public boolean refusesDefaultSocketFactory(javax.net.ssl.SSLSocketFactory factory) {
            return false;
        }

        @Override
        public javax.net.ssl.SSLEngine engineCreated(javax.net.ssl.SSLContext context, javax.net.ssl.SSLEngine engine) {
            return engine;
        }

        @Override
        public javax.net.ssl.SSLServerSocketFactory serverSocketFactory(
                javax.net.ssl.SSLContext context, javax.net.ssl.SSLServerSocketFactory factory) {
            return factory;
        }

        @Override
        public boolean refusesResumption(javax.net.ssl.SSLSession session) {
            return false;
        }

        @Override
        public void clientAuthSet(Object socket, String method) {}

        @Override
        public void accepted(javax.net.ssl.SSLServerSocket server, java.net.Socket accepted) {}

        @Override
        public void layeredServerSocket(javax.net.ssl.SSLContextSpi implementation, javax.net.ssl.SSLSocket socket) {}

        @Override
        public void clientSentNoCertificate(Object transport, String diagnostic) {}

        @Override
        public javax.net.ssl.KeyManagerFactory openSslClientWithoutKeys(Object context) {
            return null;
        }

        @Override
        public javax.net.ssl.KeyManagerFactory openSslKeyManagerFactory(javax.net.ssl.KeyManagerFactory factory) {
            return null;
        }

        @Override
        public javax.net.ssl.TrustManager[] openSslTrustManagers(javax.net.ssl.TrustManager[] managers) {
            return null;
        }

        @Override
        public void openSslServerContextStarts() {}

        @Override
        public void openSslServerContextBuilt(Object context) {}

        @Override
        public void openSslEngineCreated(Object context, Object engine) {}

        @Override
        public void openSslClientContextBuilt(Object context) {}

        @Override
        public void openSslHandshakeStep(Object engine, javax.net.ssl.SSLEngineResult.HandshakeStatus status) {}

        @Override
        public void platformMBeanServer(javax.management.MBeanServer server) {}
    }

    /** A hook failure never reaches the woven method. */
    private static final class FailingHooks extends SecurelyNaming {
        FailingHooks() {
            super(true);
        }

        @Override
        public boolean securelyNamed(String host, X509Certificate leaf) {
            throw new IllegalStateException("the agent failed");
        }

        @Override
        public boolean refusesDefaultContext(SSLContext context) {
            throw new IllegalStateException("the agent failed");
        }

        @Override
        public MeshlessBridge.Managers contextInit(
                SSLContext context, SSLContextSpi implementation, KeyManager[] keys, TrustManager[] trust) {
            throw new IllegalStateException("the agent failed");
        }
    }
}
