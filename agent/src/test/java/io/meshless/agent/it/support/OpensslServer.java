package io.meshless.agent.it.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code openssl s_server -Verify 1 -verify_return_error -www}: requires a client certificate that
 * verifies against {@code clientCa} and answers HTTP with a status page that includes the
 * client certificate it received. It listens on a port the kernel picks (port 0) and reports it.
 */
public final class OpensslServer implements AutoCloseable {

    private static final Pattern ACCEPT = Pattern.compile("ACCEPT 127\\.0\\.0\\.1:(\\d+)");

    private final CapturedProcess process;
    private final int port;

    private OpensslServer(CapturedProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    public static OpensslServer start(Path certChain, Path key, Path clientCa) {
        CapturedProcess process = CapturedProcess.start(
                "openssl-s_server",
                List.of(
                        "openssl",
                        "s_server",
                        "-accept",
                        "127.0.0.1:0",
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
            // printed once the socket listens, with the port the kernel picked
            Matcher accept = process.awaitLine(ACCEPT, Duration.ofSeconds(15));
            return new OpensslServer(process, Integer.parseInt(accept.group(1)));
        } catch (AssertionError e) {
            process.close();
            throw e;
        }
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
