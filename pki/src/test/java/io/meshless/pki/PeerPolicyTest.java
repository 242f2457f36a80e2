package io.meshless.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PeerPolicyTest {
    private static final CertificateAuthority CA =
            CertificateAuthority.createRoot("policy test root", Duration.ofDays(1), KeyType.EC_P256, Clock.systemUTC());

    private static X509Certificate withCommonName(String cn) {
        return CA.issue(LeafSpec.builder().commonName(cn).build()).certificate();
    }

    private static X509Certificate withDnsName(String dns) {
        return CA.issue(LeafSpec.builder().dnsName(dns).build()).certificate();
    }

    @Test
    void commonNameIsExactUnlessMarkedAsRegularExpression() {
        PeerPolicy exact = PeerPolicy.parse("cn:client.mybank.com");
        assertThat(exact.allows(withCommonName("client.mybank.com"))).isTrue();
        assertThat(exact.allows(withCommonName("clientXmybank.com"))).isFalse();

        PeerPolicy regex = PeerPolicy.parse("cn:~client[0-9]{1,3}\\.mybank\\.com");
        assertThat(regex.allows(withCommonName("client12.mybank.com"))).isTrue();
        assertThat(regex.allows(withCommonName("client12.mybank.com.evil"))).isFalse();
        assertThat(regex.allows(withCommonName("xclient12.mybank.com"))).isFalse();
        assertThat(regex.toString()).isEqualTo("cn:~client[0-9]{1,3}\\.mybank\\.com");
    }

    @Test
    void distinguishedNameKeepsItsCommasAndComparesAsX500Name() {
        PeerPolicy policy = PeerPolicy.parse("dn:CN=client, O=My Bank,C=US, spiffe://td/ns/a/*,dn:cn=Solo");

        assertThat(policy.patterns())
                .extracting(PeerPattern::toString)
                .containsExactly("dn:CN=client, O=My Bank,C=US", "spiffe://td/ns/a/*", "dn:cn=Solo");
        assertThat(policy.allows(withCommonName("solo"))).isTrue();
        assertThat(policy.allows(withCommonName("client")))
                .as("only part of the DN")
                .isFalse();
        assertThat(policy.allows(SpiffeId.parse("spiffe://td/ns/a/sa/x"))).isTrue();
    }

    @Test
    void dnsNameMatchesExactlyOrOneLabelUnderAWildcard() {
        assertThat(PeerPolicy.parse("dns:Orders.Shop.svc").allows(withDnsName("orders.shop.svc")))
                .isTrue();
        PeerPolicy wildcard = PeerPolicy.parse("dns:*.shop.svc");
        assertThat(wildcard.allows(withDnsName("orders.shop.svc"))).isTrue();
        assertThat(wildcard.allows(withDnsName("a.orders.shop.svc"))).isFalse();
        assertThat(wildcard.allows(withDnsName("shop.svc"))).isFalse();
        assertThat(wildcard.allows(withCommonName("orders.shop.svc")))
                .as("a CN is not a DNS SAN")
                .isFalse();
    }

    @Test
    void spiffeEntriesNeverMatchCertificatesWithoutSpiffeId() {
        assertThat(PeerPolicy.parse("spiffe://td/ns/a/*").allows(withCommonName("spiffe://td/ns/a/sa/x")))
                .isFalse();
    }

    @Test
    void anyVerifiedPeerAdmitsEveryCertificate() {
        assertThat(PeerPolicy.anyVerifiedPeer().allows(withCommonName("anyone")))
                .isTrue();
    }

    @Test
    void malformedEntriesAreRefusedNamingTheEntry() {
        assertThatThrownBy(() -> PeerPolicy.parse("cn:~client[0-9"))
                .hasMessageContaining("peer pattern 'cn:~client[0-9'")
                .hasMessageContaining("invalid regular expression");
        assertThatThrownBy(() -> PeerPolicy.parse("spiffe://td/ns/a/*, dn:CN=x,=broken"))
                .hasMessageContaining("peer pattern 'dn:CN=x,=broken'");
        assertThatThrownBy(() -> PeerPolicy.parse("dns:bad name.example"))
                .hasMessageContaining("peer pattern 'dns:bad name.example'")
                .hasMessageContaining("not a DNS name");
        assertThatThrownBy(() -> PeerPolicy.parse("spiffe://td/ns/a, client.mybank.com"))
                .hasMessageContaining("peer pattern 'client.mybank.com'")
                .hasMessageContaining("cn:, dn: or dns:");
        assertThatThrownBy(() -> PeerPolicy.parse("cn:")).hasMessageContaining("empty common name");
        assertThatThrownBy(() -> PeerPolicy.parse("cn:~")).hasMessageContaining("empty regular expression");
        assertThatThrownBy(() -> PeerPolicy.parse(" ; , ")).hasMessageContaining("names no peer");
    }
}
