package io.meshless.injector.controller;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/** The signer's answer to one PodCertificateRequest: a certificate, or a condition saying why not. */
sealed interface PodCertificateAnswer {

    /** The chain (leaf first) and the times kubelet acts on. */
    record Issued(List<X509Certificate> chain, Instant notBefore, Instant beginRefreshAt, Instant notAfter)
            implements PodCertificateAnswer {
        public Issued {
            chain = List.copyOf(chain);
        }
    }

    /**
     * A terminal condition: {@code Denied} when the signer will not sign for this pod, {@code Failed}
     * when the request cannot be signed as it stands. {@code reason} is CamelCase as conditions require.
     */
    record Refused(String type, String reason, String message) implements PodCertificateAnswer {
        static final String DENIED = "Denied";
        static final String FAILED = "Failed";

        static Refused denied(String reason, String message) {
            return new Refused(DENIED, reason, message);
        }

        static Refused failed(String reason, String message) {
            return new Refused(FAILED, reason, message);
        }
    }
}
