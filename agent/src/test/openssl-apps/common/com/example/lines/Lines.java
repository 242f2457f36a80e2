package com.example.lines;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The line protocol of the test programs compiled against each library version (their sources beside this
 * folder): LISTENING, one RESULT per stdin line, and who the peer was.
 */
public final class Lines {

    public interface Request {
        String run(String line) throws Exception;
    }

    private Lines() {}

    public static void answer(Request request) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            String result;
            try {
                result = "OK " + request.run(line.trim());
            } catch (Throwable e) {
                result = "FAIL " + describe(e);
            }
            System.out.println("RESULT " + result.replace("\r", "").replace("\n", " | "));
            System.out.flush();
        }
    }

    public static void print(String line) {
        System.out.println(line);
        System.out.flush();
    }

    public static void awaitStdinClosed() throws Exception {
        while (System.in.read() >= 0) {
            // the test closes stdin to stop a server
        }
    }

    public static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null && text.length() < 2000; t = t.getCause()) {
            if (text.length() > 0) {
                text.append(" <- ");
            }
            text.append(t.getClass().getName()).append(": ").append(t.getMessage());
        }
        return text.toString();
    }

    /** The URI SAN (SPIFFE ID) and serial of a certificate the session holds, as a server logs its caller. */
    public static String identity(Certificate[] chain) throws Exception {
        if (chain == null || chain.length == 0) {
            return "none";
        }
        X509Certificate leaf = (X509Certificate) chain[0];
        String name = leaf.getSubjectX500Principal().getName();
        if (leaf.getSubjectAlternativeNames() != null) {
            for (List<?> san : leaf.getSubjectAlternativeNames()) {
                if (Integer.valueOf(6).equals(san.get(0))) {
                    name = String.valueOf(san.get(1));
                }
            }
        }
        return name + " serial=" + leaf.getSerialNumber().toString(16);
    }

    /** {@link #identity} of the session's peer, or "none" when it sent no certificate. */
    public static String peer(SSLSession session) throws Exception {
        try {
            return identity(session.getPeerCertificates());
        } catch (SSLPeerUnverifiedException e) {
            return "none";
        }
    }

    public static String session(SSLSession session) {
        return session.getClass().getName();
    }
}
