package io.meshless.agent.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.agent.it.support.MeshPki.PemFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nginx cannot bind port 0 and report it: a port someone else holds is noticed and another one tried. */
class NginxIT {

    @TempDir
    Path work;

    private final MeshPki pki = MeshPki.create();

    @Test
    void reportsAPortAnotherServerHoldsAsTaken() throws IOException {
        Path ca = MeshPki.pemFile(work, "ca", pki.bundle());
        PemFiles server = MeshPki.pemFiles(work, "nginx", pki.workloadWithLoopbackNames(MeshPki.id("shop", "nginx")));
        try (ServerSocket other = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(Nginx.startOn(other.getLocalPort(), work, server.cert(), server.key(), ca, "ssl"))
                    .as("nginx on a port another server holds")
                    .isNull();
        }
    }

    @Test
    void servesOnThePortItReports() {
        Path ca = MeshPki.pemFile(work, "ca", pki.bundle());
        PemFiles server = MeshPki.pemFiles(work, "nginx", pki.workloadWithLoopbackNames(MeshPki.id("shop", "nginx")));
        try (Nginx nginx = Nginx.start(work, server.cert(), server.key(), ca)) {
            Curl.Result result = Curl.getWithoutClientCertificate(nginx.url(), ca);
            assertThat(result.succeeded()).as("%s\n%s", result, nginx.output()).isTrue();
            assertThat(result.body()).contains("verify=NONE");
        }
    }
}
