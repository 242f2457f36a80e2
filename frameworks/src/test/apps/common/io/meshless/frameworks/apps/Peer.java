package io.meshless.frameworks.apps;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;

/** What an ordinary mTLS server logs about its caller: the URI SAN (SPIFFE ID) of the client certificate. */
public final class Peer {
    private Peer() {}

    /** {@code hello from <server> peer=<URI SAN or subject> serial=<hex>}, one line. */
    public static String hello(String server, Certificate[] chain) {
        if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate)) {
            return "hello from " + server + " peer=none\n";
        }
        X509Certificate leaf = (X509Certificate) chain[0];
        String name = leaf.getSubjectX500Principal().getName();
        try {
            if (leaf.getSubjectAlternativeNames() != null) {
                for (List<?> san : leaf.getSubjectAlternativeNames()) {
                    if (Integer.valueOf(6).equals(san.get(0))) {
                        name = String.valueOf(san.get(1));
                    }
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            name = "unreadable";
        }
        return "hello from " + server + " peer=" + name + " serial="
                + leaf.getSerialNumber().toString(16) + "\n";
    }

    /** The line the ITs wait for, then blocks until the test closes stdin. */
    public static void listeningUntilStdinCloses(int port) throws java.io.IOException {
        System.out.println("LISTENING " + port);
        System.out.flush();
        while (System.in.read() >= 0) {
            // the test ends the program by closing stdin (or killing it)
        }
    }
}
