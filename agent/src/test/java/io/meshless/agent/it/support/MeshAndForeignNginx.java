package io.meshless.agent.it.support;

import io.meshless.testing.PemFiles;
import io.meshless.testing.TestPki;
import java.nio.file.Path;

/**
 * The two servers a client under the agent is tried against: nginx with a mesh certificate (it verifies the
 * client's certificate against the mesh bundle and reports what it saw) and nginx with a certificate of a
 * foreign CA, which the client must refuse.
 */
public final class MeshAndForeignNginx implements AutoCloseable {

    private final Path meshCa;
    private final Nginx mesh;
    private final Nginx foreign;

    private MeshAndForeignNginx(Path meshCa, Nginx mesh, Nginx foreign) {
        this.meshCa = meshCa;
        this.mesh = mesh;
        this.foreign = foreign;
    }

    /** Over HTTP/1.1, or over HTTP/2 for gRPC clients. */
    public static MeshAndForeignNginx start(Path work, TestPki pki, boolean http2) {
        Path meshCa = PemFiles.writeBundle(work, "mesh-ca", pki.bundle());
        PemFiles meshFiles = PemFiles.write(work, "nginx", pki.spiffeIdOnly(TestPki.id("shop", "nginx")));
        PemFiles foreignFiles =
                PemFiles.write(work, "nginx-foreign", pki.foreign().leaf(TestPki.id("shop", "nginx")));
        Nginx mesh = http2
                ? Nginx.startHttp2(work, meshFiles.cert(), meshFiles.key(), meshCa)
                : Nginx.start(work, meshFiles.cert(), meshFiles.key(), meshCa);
        try {
            Nginx foreign = http2
                    ? Nginx.startHttp2(work, foreignFiles.cert(), foreignFiles.key(), meshCa)
                    : Nginx.start(work, foreignFiles.cert(), foreignFiles.key(), meshCa);
            return new MeshAndForeignNginx(meshCa, mesh, foreign);
        } catch (RuntimeException | AssertionError e) {
            mesh.close();
            throw e;
        }
    }

    /** The mesh bundle as a PEM file, for outside clients of servers under the agent. */
    public Path meshCa() {
        return meshCa;
    }

    public Nginx mesh() {
        return mesh;
    }

    public Nginx foreign() {
        return foreign;
    }

    @Override
    public void close() {
        mesh.close();
        foreign.close();
    }
}
