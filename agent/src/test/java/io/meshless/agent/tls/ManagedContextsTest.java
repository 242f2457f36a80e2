package io.meshless.agent.tls;

import static io.meshless.agent.tls.TestIdentities.MESH;
import static io.meshless.agent.tls.TestIdentities.context;
import static io.meshless.agent.tls.TestIdentities.credentials;
import static io.meshless.agent.tls.TestIdentities.keyManager;
import static io.meshless.agent.tls.TestIdentities.leaf;
import static io.meshless.agent.tls.TestIdentities.trusting;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.agent.bridge.MeshlessBridge;
import io.meshless.agent.config.Mode;
import io.meshless.pki.HeldCertificate;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Test;

class ManagedContextsTest {
    private static final HeldCertificate ME = leaf(MESH, "spiffe://cluster.local/ns/shop/sa/orders");
    private static final HeldCertificate PEER = leaf(MESH, "spiffe://cluster.local/ns/shop/sa/web");

    private final MeshTrustManager meshTrust =
            new MeshTrustManager(() -> Optional.of(credentials(ME, MESH)), null, null, "/test/certs");

    private ManagedContexts managed(Mode mode) throws Exception {
        return new ManagedContexts(keyManager(ME), meshTrust, new ClientAuthPolicy(mode));
    }

    private static SSLEngine client(HeldCertificate identityOrNull) throws Exception {
        SSLEngine client = context(identityOrNull == null ? null : keyManager(identityOrNull), trusting(MESH))
                .createSSLEngine("orders", 443);
        client.setUseClientMode(true);
        return client;
    }

    private static SSLEngine serverWithoutClientAuth(ManagedContexts managed, SSLContext context) {
        SSLEngine engine = managed.onEngineCreated(context, context.createSSLEngine());
        engine.setUseClientMode(false);
        // What an application that never asked for client certificates does:
        engine.setNeedClientAuth(false);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setNeedClientAuth(false);
        engine.setSSLParameters(parameters);
        return engine;
    }

    @Test
    void strictServerEngineRequiresClientCertificateWhateverTheApplicationSets() throws Exception {
        ManagedContexts managed = managed(Mode.STRICT);
        SSLContext context = context(keyManager(ME), meshTrust);
        managed.add(context);

        SSLEngine server = serverWithoutClientAuth(managed, context);

        assertThat(server.getNeedClientAuth()).isTrue();
        assertThat(InMemoryHandshake.run(client(null), server)).isPresent();
        assertThat(InMemoryHandshake.run(client(PEER), serverWithoutClientAuth(managed, context)))
                .isEmpty();
    }

    @Test
    void permissiveServerEngineAsksForButDoesNotRequireClientCertificate() throws Exception {
        ManagedContexts managed = managed(Mode.PERMISSIVE);
        SSLContext context = context(keyManager(ME), meshTrust);
        managed.add(context);

        SSLEngine anonymous = serverWithoutClientAuth(managed, context);
        assertThat(anonymous.getWantClientAuth()).isTrue();
        assertThat(InMemoryHandshake.run(client(null), anonymous)).isEmpty();

        SSLEngine withCertificate = serverWithoutClientAuth(managed, context);
        assertThat(InMemoryHandshake.run(client(PEER), withCertificate)).isEmpty();
        assertThat(withCertificate.getSession().getPeerCertificates()[0]).isEqualTo(PEER.certificate());
    }

    @Test
    void saysOncePerCallSiteThatItKeptClientAuthOnAnEngineTheApplicationLowered() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        ManagedContexts managed = new ManagedContexts(
                Optional::empty,
                keyManager(ME),
                meshTrust,
                new ClientAuthPolicy(Mode.STRICT),
                new ClientAuthOverrides(new ClientAuthPolicy(Mode.STRICT), warnings::add));
        SSLContext context = context(keyManager(ME), meshTrust);
        managed.add(context);

        for (int connection = 0; connection < 3; connection++) {
            serverWithoutClientAuth(managed, context);
        }
        // Creating a server engine and raising a demand nobody lowered is the default, not an override.
        SSLEngine quiet = managed.onEngineCreated(context, context.createSSLEngine());
        quiet.setUseClientMode(false);
        quiet.setNeedClientAuth(true);

        assertThat(warnings)
                .as("one per lowering call in serverWithoutClientAuth, not one per engine")
                .hasSize(2);
        assertThat(warnings).anySatisfy(w -> assertThat(w)
                .contains("SSLEngine after setNeedClientAuth from " + ManagedContextsTest.class.getName()
                        + ".serverWithoutClientAuth"));
        assertThat(warnings).anySatisfy(w -> assertThat(w)
                .contains("after setSSLParameters from " + ManagedContextsTest.class.getName()
                        + ".serverWithoutClientAuth"));
        assertThat(warnings).allSatisfy(w -> assertThat(w).contains("mode=strict requires a client certificate"));
    }

    @Test
    void leavesEnginesOfUnmanagedContextsAlone() throws Exception {
        ManagedContexts managed = managed(Mode.STRICT);
        SSLContext own = context(keyManager(PEER), trusting(MESH));

        SSLEngine engine = own.createSSLEngine();
        assertThat(managed.onEngineCreated(own, engine)).isSameAs(engine);
        javax.net.ssl.SSLServerSocketFactory factory = own.getServerSocketFactory();
        assertThat(managed.onServerSocketFactory(own, factory)).isSameAs(factory);
    }

    @Test
    void initGivesMissingManagersTheAgentsAndManagesTheContext() throws Exception {
        ManagedContexts managed = managed(Mode.STRICT);
        SSLContext context = SSLContext.getInstance("TLS");

        MeshlessBridge.Managers replaced = managed.onInit(context, null, null, null);

        assertThat(replaced.keyManagers()).containsExactly(managed.keyManager());
        assertThat(replaced.trustManagers()).containsExactly(managed.trustManager());
        assertThat(managed.isManaged(context)).isTrue();
    }

    @Test
    void initKeepsTheApplicationsOwnManagersAndLeavesTheContextUnmanaged() throws Exception {
        ManagedContexts managed = managed(Mode.STRICT);
        SSLContext context = SSLContext.getInstance("TLS");
        KeyManager[] own = {keyManager(PEER)};
        TrustManager[] ownTrust = {trusting(MESH)};

        MeshlessBridge.Managers replaced = managed.onInit(context, null, own, ownTrust);

        assertThat(replaced.keyManagers()).isSameAs(own);
        assertThat(replaced.trustManagers()).isSameAs(ownTrust);
        assertThat(managed.isManaged(context)).isFalse();
    }

    @Test
    void emptyKeyManagersAlsoGetTheAgentsKeyManager() throws Exception {
        ManagedContexts managed = managed(Mode.STRICT);
        SSLContext context = SSLContext.getInstance("TLS");

        MeshlessBridge.Managers replaced =
                managed.onInit(context, null, new KeyManager[0], new TrustManager[] {trusting(MESH)});

        assertThat(replaced.keyManagers()).containsExactly(managed.keyManager());
        assertThat(managed.isManaged(context)).isTrue();
    }

    @Test
    void strictServerSocketsRequireClientCertificates() throws Exception {
        ManagedContexts managed = managed(Mode.STRICT);

        try (SSLServerSocket socket = managedServerSocket(managed)) {
            assertThat(socket.getNeedClientAuth()).isTrue();
        }
    }

    @Test
    void permissiveServerSocketsRequestClientCertificates() throws Exception {
        ManagedContexts managed = managed(Mode.PERMISSIVE);

        try (SSLServerSocket socket = managedServerSocket(managed)) {
            assertThat(socket.getWantClientAuth()).isTrue();
        }
    }

    private SSLServerSocket managedServerSocket(ManagedContexts managed) throws Exception {
        SSLContext context = context(keyManager(ME), meshTrust);
        managed.add(context);
        return (SSLServerSocket) managed.onServerSocketFactory(context, context.getServerSocketFactory())
                .createServerSocket(0);
    }

    // The JDK hooks call ClientAuthSockets after every client-auth setter; here the test calls it in their place.

    @Test
    void strictServerSocketsKeepRequiringClientCertificatesWhenTheApplicationLowersThem() throws Exception {
        ManagedContexts managed = managed(Mode.STRICT);

        try (SSLServerSocket socket = managedServerSocket(managed)) {
            socket.setWantClientAuth(true);
            managed.sockets().onClientAuthSet(socket, "setWantClientAuth");
            assertThat(socket.getNeedClientAuth()).isTrue();

            socket.setSSLParameters(new SSLParameters());
            managed.sockets().onClientAuthSet(socket, "setSSLParameters");
            assertThat(socket.getNeedClientAuth()).isTrue();
        }
    }

    @Test
    void permissiveServerSocketsMayRaiseToRequiredButNotLowerBelowRequested() throws Exception {
        ManagedContexts managed = managed(Mode.PERMISSIVE);

        try (SSLServerSocket socket = managedServerSocket(managed)) {
            socket.setNeedClientAuth(true);
            managed.sockets().onClientAuthSet(socket, "setNeedClientAuth");
            assertThat(socket.getNeedClientAuth()).isTrue();

            socket.setNeedClientAuth(false);
            managed.sockets().onClientAuthSet(socket, "setNeedClientAuth");
            assertThat(socket.getWantClientAuth()).isTrue();
        }
    }

    @Test
    void serverSocketsOfTheApplicationsOwnContextsAreLeftAlone() throws Exception {
        ManagedContexts managed = managed(Mode.STRICT);
        SSLContext own = context(keyManager(PEER), trusting(MESH));

        try (SSLServerSocket socket =
                (SSLServerSocket) own.getServerSocketFactory().createServerSocket(0)) {
            managed.sockets().onClientAuthSet(socket, "setNeedClientAuth");
            assertThat(socket.getNeedClientAuth()).isFalse();
            assertThat(socket.getWantClientAuth()).isFalse();
        }
    }

    @Test
    void invalidatesCachedSessionsOfManagedContextsAfterRotation() throws Exception {
        ManagedContexts managed = managed(Mode.STRICT);
        SSLContext clientContext = context(keyManager(ME), meshTrust);
        managed.add(clientContext);
        SSLSession session = handshakeAsClient(clientContext);
        assertThat(Collections.list(clientContext.getClientSessionContext().getIds()))
                .isNotEmpty();

        int invalidated = managed.retire(ME.certificate());

        assertThat(invalidated).isPositive();
        assertThat(session.isValid()).isFalse();
    }

    @Test
    void refusesResumingSessionsMadeWithARetiredCertificateInAnyContext() throws Exception {
        ManagedContexts managed = managed(Mode.STRICT);
        // Not managed: a session cached after the sweep, or in a context the agent never saw.
        SSLSession withOld = handshakeAsClient(context(keyManager(ME), meshTrust));
        SSLSession withOther = handshakeAsClient(context(keyManager(PEER), meshTrust));
        assertThat(managed.refusesResumption(withOld)).as("nothing retired yet").isFalse();

        managed.retire(ME.certificate());

        assertThat(managed.refusesResumption(withOld)).isTrue();
        assertThat(withOld.isValid())
                .as("refused sessions are dropped from their cache")
                .isFalse();
        assertThat(managed.refusesResumption(withOther)).isFalse();
        assertThat(withOther.isValid()).isTrue();
    }

    private SSLSession handshakeAsClient(SSLContext clientContext) throws Exception {
        SSLEngine client = clientContext.createSSLEngine("web", 443);
        client.setUseClientMode(true);
        SSLEngine server = context(keyManager(PEER), trusting(MESH)).createSSLEngine();
        server.setUseClientMode(false);
        server.setNeedClientAuth(true);
        assertThat(InMemoryHandshake.run(client, server)).isEmpty();
        return client.getSession();
    }
}
