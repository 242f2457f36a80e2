package io.meshless.agent.apps;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** What an ordinary mTLS server logs about its caller: the URI SAN of the client certificate. */
final class PeerIdentity {

    private PeerIdentity() {}

    static String of(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            X509Certificate leaf = (X509Certificate) chain[0];
            if (leaf.getSubjectAlternativeNames() != null) {
                for (List<?> san : leaf.getSubjectAlternativeNames()) {
                    if (Integer.valueOf(6).equals(san.get(0))) {
                        return san.get(1) + " serial=" + leaf.getSerialNumber().toString(16);
                    }
                }
            }
            return leaf.getSubjectX500Principal().getName() + " serial="
                    + leaf.getSerialNumber().toString(16);
        } catch (SSLPeerUnverifiedException e) {
            return "none";
        } catch (Exception e) {
            return "unreadable: " + e;
        }
    }

    static String body(String server, SSLSession session) {
        return "hello from " + server + " peer=" + of(session) + "\n";
    }
}
