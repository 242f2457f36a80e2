package io.meshless.agent.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.testing.PemFiles;
import io.meshless.testing.TestPki;
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

    private final TestPki pki = TestPki.create();

    @Test
    void reportsAPortAnotherServerHoldsAsTaken() throws IOException {
        Path ca = PemFiles.writeBundle(work, "ca", pki.bundle());
        PemFiles server = PemFiles.write(work, "nginx", pki.leaf(TestPki.id("shop", "nginx")));
        try (ServerSocket other = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(Nginx.startOn(other.getLocalPort(), work, server.cert(), server.key(), ca, "ssl"))
                    .as("nginx on a port another server holds")
                    .isNull();
        }
    }

    @Test
    void servesOnThePortItReports() {
        Path ca = PemFiles.writeBundle(work, "ca", pki.bundle());
        PemFiles server = PemFiles.write(work, "nginx", pki.leaf(TestPki.id("shop", "nginx")));
        try (Nginx nginx = Nginx.start(work, server.cert(), server.key(), ca)) {
            Curl.Result result = Curl.getWithoutClientCertificate(nginx.url(), ca);
            assertThat(result.succeeded()).as("%s\n%s", result, nginx.output()).isTrue();
            assertThat(result.body()).contains("verify=NONE");
        }
    }
}
