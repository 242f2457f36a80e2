package io.meshless.agent.it.support;

import io.meshless.pki.HeldCertificate;
import io.meshless.pki.SpiffeId;
import io.meshless.testing.PemFiles;
import io.meshless.testing.TestPki;
import java.math.BigInteger;
import java.nio.file.Path;

/**
 * The certificates of a test that calls a server under the agent with curl: the server's mounted volume (a leaf
 * of {@link #SERVER}), the mesh CA bundle curl verifies it by, and the clients curl presents: one of the mesh
 * ({@link #CLIENT}), one of the mesh that allowed-peers can leave out ({@link #STRANGER}), one of a foreign CA.
 */
public final class InboundPeers {
    public static final SpiffeId SERVER = TestPki.id("shop", "orders");
    public static final SpiffeId CLIENT = TestPki.id("shop", "checkout");
    public static final SpiffeId STRANGER = TestPki.id("shop", "reporting");

    private final Path certDir;
    private final BigInteger serverSerial;
    private final Path caFile;
    private final Path foreignCaFile;
    private final PemFiles meshClient;
    private final PemFiles strangerClient;
    private final PemFiles foreignClient;

    private InboundPeers(Path work) {
        TestPki pki = TestPki.create();
        certDir = work.resolve("certs");
        // curl checks host names itself: the leaf also names 127.0.0.1
        HeldCertificate server = pki.leaf(SERVER);
        serverSerial = server.certificate().getSerialNumber();
        TestPki.volume(certDir, server, pki.bundle(), null);
        caFile = PemFiles.writeBundle(work, "mesh-ca", pki.bundle());
        foreignCaFile = PemFiles.writeBundle(work, "foreign-ca", pki.foreign().bundle());
        meshClient = PemFiles.write(work, "client", pki.spiffeIdOnly(CLIENT));
        strangerClient = PemFiles.write(work, "stranger", pki.spiffeIdOnly(STRANGER));
        foreignClient = PemFiles.write(work, "foreign-client", pki.foreign().leaf(CLIENT));
    }

    /** Issues them all into {@code work}. */
    public static InboundPeers issue(Path work) {
        return new InboundPeers(work);
    }

    /** The server's mounted volume, its {@code cert-dir}. */
    public Path certDir() {
        return certDir;
    }

    public BigInteger serverSerial() {
        return serverSerial;
    }

    /** The mesh CA bundle (PEM). */
    public Path caFile() {
        return caFile;
    }

    /** The foreign CA's bundle (PEM): what an application's own trust material holds. */
    public Path foreignCaFile() {
        return foreignCaFile;
    }

    public PemFiles meshClient() {
        return meshClient;
    }

    public PemFiles strangerClient() {
        return strangerClient;
    }

    public PemFiles foreignClient() {
        return foreignClient;
    }
}
