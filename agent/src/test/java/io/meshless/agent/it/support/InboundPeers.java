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
 *
 * @param certDir the server's mounted volume, its {@code cert-dir}
 * @param caFile the mesh CA bundle (PEM)
 * @param foreignCaFile the foreign CA's bundle (PEM): what an application's own trust material holds
 */
public record InboundPeers(
        Path certDir,
        BigInteger serverSerial,
        Path caFile,
        Path foreignCaFile,
        PemFiles meshClient,
        PemFiles strangerClient,
        PemFiles foreignClient) {
    public static final SpiffeId SERVER = TestPki.id("shop", "orders");
    public static final SpiffeId CLIENT = TestPki.id("shop", "checkout");
    public static final SpiffeId STRANGER = TestPki.id("shop", "reporting");

    /** Issues them all into {@code work}. */
    public static InboundPeers issue(Path work) {
        TestPki pki = TestPki.create();
        Path certDir = work.resolve("certs");
        // curl checks host names itself: the leaf also names 127.0.0.1
        HeldCertificate server = pki.leaf(SERVER);
        TestPki.volume(certDir, server, pki.bundle(), null);
        return new InboundPeers(
                certDir,
                server.certificate().getSerialNumber(),
                PemFiles.writeBundle(work, "mesh-ca", pki.bundle()),
                PemFiles.writeBundle(work, "foreign-ca", pki.foreign().bundle()),
                PemFiles.write(work, "client", pki.spiffeIdOnly(CLIENT)),
                PemFiles.write(work, "stranger", pki.spiffeIdOnly(STRANGER)),
                PemFiles.write(work, "foreign-client", pki.foreign().leaf(CLIENT)));
    }
}
