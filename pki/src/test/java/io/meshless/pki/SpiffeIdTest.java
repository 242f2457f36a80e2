package io.meshless.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SpiffeIdTest {
    @Test
    void parsesServiceAccountId() {
        SpiffeId id = SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/web");
        assertThat(id.trustDomain()).isEqualTo("cluster.local");
        assertThat(id.path()).isEqualTo("/ns/shop/sa/web");
        assertThat(id).isEqualTo(SpiffeId.forServiceAccount("cluster.local", "shop", "web"));
        assertThat(id.toUri().getScheme()).isEqualTo("spiffe");
    }

    @Test
    void serviceAccountIdsHaveADnsNameThatNoServiceCanHave() {
        assertThat(SpiffeId.forServiceAccount("cluster.local", "shop", "orders").serviceAccountDnsName())
                .hasValue("orders.shop.serviceaccount.cluster.local");
        assertThat(SpiffeId.forServiceAccount("example.org", "ingress-nginx", "ingress-nginx")
                        .serviceAccountDnsName())
                .hasValue("ingress-nginx.ingress-nginx.serviceaccount.example.org");
        // Service account names are DNS subdomains: dots stay, the name is still a host name.
        assertThat(SpiffeId.forServiceAccount("cluster.local", "shop", "orders.v2")
                        .serviceAccountDnsName())
                .hasValue("orders.v2.shop.serviceaccount.cluster.local");
    }

    @Test
    void noDnsNameForOtherPathsOrWhatIsNoHostName() {
        assertThat(SpiffeId.parse("spiffe://cluster.local/web").serviceAccountDnsName())
                .isEmpty();
        assertThat(SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/web/extra").serviceAccountDnsName())
                .isEmpty();
        assertThat(SpiffeId.parse("spiffe://cluster.local/ns/shop/x/web").serviceAccountDnsName())
                .isEmpty();
        assertThat(SpiffeId.parse("spiffe://my_domain/ns/shop/sa/web").serviceAccountDnsName())
                .isEmpty();
        assertThat(SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/Web").serviceAccountDnsName())
                .isEmpty();
        assertThat(SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/" + "a".repeat(64))
                        .serviceAccountDnsName())
                .isEmpty();
        String long63 = "a".repeat(63);
        assertThat(SpiffeId.parse(
                                "spiffe://cluster.local/ns/shop/sa/" + String.join(".", long63, long63, long63, long63))
                        .serviceAccountDnsName())
                .isEmpty();
    }

    @Test
    void refusesIdsTheSpecForbids() {
        assertThatThrownBy(() -> SpiffeId.parse("https://cluster.local/x"))
                .hasMessageContaining("must start with 'spiffe://'");
        assertThatThrownBy(() -> SpiffeId.parse("spiffe://Cluster.local/x")).hasMessageContaining("upper-case");
        assertThatThrownBy(() -> SpiffeId.parse("spiffe://td:8080/x")).hasMessageContaining("a port");
        assertThatThrownBy(() -> SpiffeId.parse("spiffe://u@td/x")).hasMessageContaining("user info");
        assertThatThrownBy(() -> SpiffeId.parse("spiffe:///x")).hasMessageContaining("empty trust domain");
        assertThatThrownBy(() -> SpiffeId.parse("spiffe://td/x/")).hasMessageContaining("must not end with '/'");
        assertThatThrownBy(() -> SpiffeId.parse("spiffe://td/a//b")).hasMessageContaining("empty segment");
        assertThatThrownBy(() -> SpiffeId.parse("spiffe://td/a/../b")).hasMessageContaining("'..' is not allowed");
        assertThatThrownBy(() -> SpiffeId.parse("spiffe://td/a?x=1")).hasMessageContaining("a query");
        assertThatThrownBy(() -> SpiffeId.parse("spiffe://td/a#f")).hasMessageContaining("a fragment");
        assertThatThrownBy(() -> SpiffeId.parse("spiffe://td/a%20b")).hasMessageContaining("percent-encoding");
    }

    @Test
    void prefixPatternMatchesWholeSegmentsOnly() {
        PeerPattern shop = PeerPattern.parse("spiffe://cluster.local/ns/shop/*");
        assertThat(shop.matches(SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/web")))
                .isTrue();
        assertThat(shop.matches(SpiffeId.parse("spiffe://cluster.local/ns/shopping/sa/web")))
                .isFalse();
        assertThat(shop.matches(SpiffeId.parse("spiffe://other.td/ns/shop/sa/web")))
                .isFalse();
        assertThatThrownBy(() -> PeerPattern.parse("spiffe://td/ns/*/sa/x"))
                .hasMessageContaining("only allowed as a final '/*'");
    }

    @Test
    void policyAllowsListedPeersOrWholeTrustDomain() {
        PeerPolicy p = PeerPolicy.parse("spiffe://cluster.local/ns/shop/sa/web, spiffe://cluster.local/ns/ops/*");
        assertThat(p.allows(SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/web")))
                .isTrue();
        assertThat(p.allows(SpiffeId.parse("spiffe://cluster.local/ns/ops/sa/x")))
                .isTrue();
        assertThat(p.allows(SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/db")))
                .isFalse();
        assertThat(p.toString()).isEqualTo("spiffe://cluster.local/ns/shop/sa/web,spiffe://cluster.local/ns/ops/*");
        PeerPolicy td = PeerPolicy.sameTrustDomain("cluster.local");
        assertThat(td.allows(SpiffeId.parse("spiffe://cluster.local/anything"))).isTrue();
        assertThat(td.allows(SpiffeId.parse("spiffe://evil.local/ns/shop/sa/web")))
                .isFalse();
    }

    @Test
    void keyTypeParsesCommonSpellingsAndListsChoices() {
        assertThat(KeyType.parse("ec-p256")).isEqualTo(KeyType.EC_P256);
        assertThat(KeyType.parse("P256")).isEqualTo(KeyType.EC_P256);
        assertThat(KeyType.parse("rsa2048")).isEqualTo(KeyType.RSA_2048);
        assertThat(KeyType.parse("rsa-4096")).isEqualTo(KeyType.RSA_4096);
        assertThat(KeyType.parse("ed25519")).isEqualTo(KeyType.ED25519);
        assertThatThrownBy(() -> KeyType.parse("dsa"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown key type 'dsa'")
                .hasMessageContaining("ec-p256, ec-p384, rsa-2048");
    }
}
