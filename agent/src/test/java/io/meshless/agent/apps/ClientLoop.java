package io.meshless.agent.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Plain I/O shared by the sample clients (no TLS code): one URL per stdin line, one
 * {@code RESULT OK <status> <body>} or {@code RESULT FAIL <exception chain>} line per request.
 */
final class ClientLoop {

    interface Get {
        /** @return "status body" */
        String get(String url) throws Exception;
    }

    private ClientLoop() {}

    static void run(Get client) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String url;
        while ((url = in.readLine()) != null) {
            if (url.isBlank()) {
                continue;
            }
            String result;
            try {
                result = "OK " + client.get(url.trim());
            } catch (Throwable e) {
                result = "FAIL " + describe(e);
            }
            System.out.println("RESULT " + result.replace("\r", "").replace("\n", " | "));
            System.out.flush();
        }
    }

    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null && text.length() < 2000; t = t.getCause()) {
            if (text.length() > 0) {
                text.append(" <- ");
            }
            text.append(t.getClass().getName()).append(": ").append(t.getMessage());
            if (t.getCause() == t) {
                break;
            }
        }
        return text.toString();
    }

    /** Waits until stdin closes: servers run until the test closes them. */
    static void awaitStdinClosed() throws Exception {
        while (System.in.read() >= 0) {
            // ignore
        }
    }

    static void listening(int port) {
        System.out.println("LISTENING " + port);
        System.out.flush();
    }
}
