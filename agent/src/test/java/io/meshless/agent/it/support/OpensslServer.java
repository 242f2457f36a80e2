package io.meshless.agent.it.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code openssl s_server -Verify 1 -verify_return_error -www}: requires a client certificate that
 * verifies against {@code clientCa} and answers HTTP with a status page that includes the
 * client certificate it received.
 */
public final class OpensslServer implements AutoCloseable {

    private final CapturedProcess process;
    private final int port;

    private OpensslServer(CapturedProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    public static OpensslServer start(Path certChain, Path key, Path clientCa) {
        int port = Ports.free();
        CapturedProcess process = CapturedProcess.start(
                "openssl-s_server:" + port,
                List.of(
                        "openssl",
                        "s_server",
                        "-accept",
                        "127.0.0.1:" + port,
                        "-cert",
                        certChain.toString(),
                        "-cert_chain",
                        certChain.toString(),
                        "-key",
                        key.toString(),
                        "-CAfile",
                        clientCa.toString(),
                        "-Verify",
                        "4",
                        "-verify_return_error",
                        "-min_protocol",
                        "TLSv1.2",
                        "-www"),
                null);
        try {
            Ports.awaitAccepting(port, Duration.ofSeconds(15), process.process(), process::output);
        } catch (AssertionError e) {
            process.close();
            throw e;
        }
        return new OpensslServer(process, port);
    }

    public int port() {
        return port;
    }

    public String url() {
        return "https://127.0.0.1:" + port + "/";
    }

    public String output() {
        return process.output();
    }

    @Override
    public void close() {
        process.close();
    }
}
