package io.meshless.agent.tls;

import static io.meshless.agent.tls.TestIdentities.MESH;
import static io.meshless.agent.tls.TestIdentities.leaf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;

class SecurelyNamedServersTest {
    private static final X509Certificate ORDERS =
            leaf(MESH, "spiffe://cluster.local/ns/shop/sa/orders").certificate();
    private static final X509Certificate CART =
            leaf(MESH, "spiffe://cluster.local/ns/shop/sa/cart").certificate();
    private static final X509Certificate PAYMENTS =
            leaf(MESH, "spiffe://cluster.local/ns/pay/sa/payments").certificate();

    @Test
    void includesOnlyAuthorizedLeaves() {
        SecurelyNamedServers servers = new SecurelyNamedServers();

        servers.authorized(ORDERS);

        assertThat(servers.includes(ORDERS)).isTrue();
        assertThat(servers.includes(CART)).isFalse();
    }

    @Test
    void vouchesForNothingAfterForgetAll() {
        SecurelyNamedServers servers = new SecurelyNamedServers();
        servers.authorized(ORDERS);
        servers.authorized(CART);

        servers.forgetAll();

        assertThat(servers.includes(ORDERS)).isFalse();
        assertThat(servers.includes(CART)).isFalse();
        assertThat(servers.size()).isZero();
    }

    @Test
    void includesNothingThatIsNotAnX509Certificate() {
        SecurelyNamedServers servers = new SecurelyNamedServers();
        servers.authorized(ORDERS);

        assertThat(servers.includes(null)).isFalse();
        assertThat(servers.includes("spiffe://cluster.local/ns/shop/sa/orders")).isFalse();
    }

    @Test
    void matchesAReDecodedCopyOfTheSameCertificate() throws Exception {
        // A resumed session may carry a copy decoded from the ticket rather than the handshake's object.
        SecurelyNamedServers servers = new SecurelyNamedServers();
        servers.authorized(ORDERS);

        // The JDK's factory hands back its cached instance for known bytes; Bouncy Castle's decodes anew.
        X509Certificate copy = (X509Certificate) CertificateFactory.getInstance("X.509", new BouncyCastleProvider())
                .generateCertificate(new ByteArrayInputStream(ORDERS.getEncoded()));

        assertThat(copy).isNotSameAs(ORDERS);
        assertThat(servers.includes(copy)).isTrue();
    }

    @Test
    void forgetsTheLeastRecentlyUsedLeafBeyondItsCapacity() {
        SecurelyNamedServers servers = new SecurelyNamedServers(2);
        servers.authorized(ORDERS);
        servers.authorized(CART);

        assertThat(servers.includes(ORDERS)).isTrue(); // used: CART is now the oldest
        servers.authorized(PAYMENTS);

        assertThat(servers.size()).isEqualTo(2);
        assertThat(servers.includes(ORDERS)).isTrue();
        assertThat(servers.includes(PAYMENTS)).isTrue();
        assertThat(servers.includes(CART)).isFalse();
    }

    @Test
    void recordingTheSameLeafAgainKeepsOneEntry() {
        SecurelyNamedServers servers = new SecurelyNamedServers();

        servers.authorized(ORDERS);
        servers.authorized(ORDERS);

        assertThat(servers.size()).isEqualTo(1);
    }

    @Test
    void refusesACapacityBelowOne() {
        assertThatThrownBy(() -> new SecurelyNamedServers(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capacity");
    }
}
