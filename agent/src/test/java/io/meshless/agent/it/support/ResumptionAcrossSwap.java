package io.meshless.agent.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.testing.PemFiles;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real {@code openssl s_client} saves a session with a server before a kubelet-style swap and offers it again
 * afterwards ({@code -sess_out}, {@code -sess_in}): the server must not resume it, from its session cache or from a
 * ticket sealed before the swap, or the client would go on holding the replaced certificate as the server's
 * identity. A full handshake shows the new one.
 */
public final class ResumptionAcrossSwap {
    private ResumptionAcrossSwap() {}

    /**
     * @param alpn the ALPN protocol to offer ("h2" for gRPC), or null
     * @param sessions where the saved sessions go (a name unique to the test case; ".session" is appended)
     * @param swap the server's volume, swapped between the sessions
     */
    public static void assertFullHandshakeAfterSwap(
            ChildJvm server,
            int port,
            String protocol,
            String alpn,
            Path caCert,
            PemFiles client,
            Path sessions,
            CertificateSwap swap) {
        Path saved = Path.of(sessions + ".session");
        Path again = Path.of(sessions + "-again.session");
        OpensslClient.Result before =
                OpensslClient.getOfferingAlpn(alpn, port, protocol, caCert, client.cert(), client.key(), null, saved);
        assertThat(before.session()).as("%s\n%s", before, server.output()).contains("New");
        // An HTTP/1.1 server answers each GET; an HTTP/2-only one (alpn "h2") closes the connection instead.
        assertThat(alpn != null || before.servedHttp200()).as("%s", before).isTrue();
        OpensslClient.Result resumed =
                OpensslClient.getOfferingAlpn(alpn, port, protocol, caCert, client.cert(), client.key(), saved, again);
        assertThat(resumed.session())
                .as("the server resumes sessions at all (else this test proves nothing)\n%s", resumed)
                .contains("Reused");

        swap.perform(server);

        // A resumed TLS 1.2 session may be the saved one, for which s_client writes no new file.
        Path offered = Files.exists(again) ? again : saved;
        OpensslClient.Result after =
                OpensslClient.getOfferingAlpn(alpn, port, protocol, caCert, client.cert(), client.key(), offered, null);
        assertThat(after.session())
                .as("the session offered after the swap\n%s\n%s", after, server.stderr())
                .contains("New");
        assertThat(alpn != null || after.servedHttp200()).as("%s", after).isTrue();
        assertThat(after.serverSerial()).as("%s", after).contains(swap.secondSerial());
    }
}
