package io.meshless.injector.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.meshless.pki.KeyType;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With {@code identity.source=podCertificates} the certificate volume is kubelet's Pod Certificate
 * projection beside the CA bundle ConfigMap: the patch on a real AdmissionReview, applied with
 * Eclipse Parsson (independent of zjsonpatch) and read back as a Fabric8 pod.
 */
class PodCertificateInjectionTest {
    private static final JsonObject EXPECTED_VOLUME =
            Json.createReader(new StringReader("""
            {"name":"meshless-certs","projected":{"defaultMode":288,"sources":[
              {"podCertificate":{"credentialBundlePath":"credentialbundle.pem","keyType":"ECDSAP256",
                                 "signerName":"meshless.io/workload"}},
              {"configMap":{"items":[{"key":"ca.crt","path":"ca.crt"}],"name":"meshless-ca-bundle","optional":false}}
            ]}}""")).readObject();

    private final ObjectMapper json = KubernetesJson.newMapper();
    private final List<String> demands = new ArrayList<>();

    @Test
    void optedInPodGetsThePodCertificateProjectionAndNoSecretIsAskedFor() throws Exception {
        JsonObject review = resource("pod-opted-in.json");
        JsonObject reply = handle(IdentitySource.POD_CERTIFICATES, review);

        assertThat(reply.getBoolean("allowed")).isTrue();
        JsonArray patch = patch(reply);
        JsonObject added = patch.stream()
                .map(JsonValue::asJsonObject)
                .filter(op -> op.getString("path").startsWith("/spec/volumes/"))
                .filter(op -> op.getJsonObject("value").getString("name").equals("meshless-certs"))
                .findFirst()
                .orElseThrow()
                .getJsonObject("value");
        assertThat(added).isEqualTo(EXPECTED_VOLUME);

        JsonObject pod =
                Json.createPatch(patch).apply(review.getJsonObject("request").getJsonObject("object"));
        Pod injected = json.readValue(pod.toString(), Pod.class);
        Volume certs = injected.getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("meshless-certs"))
                .findFirst()
                .orElseThrow();
        assertThat(certs.getSecret()).isNull();
        assertThat(certs.getProjected().getSources().get(0).getPodCertificate().getSignerName())
                .isEqualTo("meshless.io/workload");
        assertThat(injected.getSpec().getContainers())
                .allSatisfy(c -> assertThat(c.getVolumeMounts()).anySatisfy(m -> {
                    assertThat(m.getName()).isEqualTo("meshless-certs");
                    assertThat(m.getMountPath()).isEqualTo("/var/run/meshless/certs");
                    assertThat(m.getReadOnly()).isTrue();
                }));
        // The pod's own projected token volume is untouched.
        assertThat(injected.getSpec().getVolumes())
                .anySatisfy(v -> assertThat(v.getName()).isEqualTo("kube-api-access-x1"));
        assertThat(demands).isEmpty();
    }

    @Test
    void secretSourceStillMountsTheServiceAccountsSecret() throws Exception {
        JsonObject reply = handle(IdentitySource.SECRET, resource("pod-opted-in.json"));

        JsonObject volume = certsVolume(reply);
        assertThat(volume.getJsonObject("secret").getString("secretName")).isEqualTo("meshless-orders");
        assertThat(volume.containsKey("projected")).isFalse();
        assertThat(demands).containsExactly("shop/orders");
    }

    @Test
    void identitySourceIsParsedStrictly() {
        assertThat(IdentitySource.parse("podCertificates")).isEqualTo(IdentitySource.POD_CERTIFICATES);
        assertThat(IdentitySource.parse("secret")).isEqualTo(IdentitySource.SECRET);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IdentitySource.parse("PodCertificate"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("identity source must be \"secret\" or \"podCertificates\", not \"podcertificate\"");
    }

    @Test
    void kubeletIsAskedForTheWorkloadKeyType() throws Exception {
        Map<KeyType, String> expected = new LinkedHashMap<>();
        expected.put(KeyType.EC_P256, "ECDSAP256");
        expected.put(KeyType.EC_P384, "ECDSAP384");
        expected.put(KeyType.RSA_3072, "RSA3072");
        expected.put(KeyType.RSA_4096, "RSA4096");
        expected.put(KeyType.ED25519, "ED25519");
        for (Map.Entry<KeyType, String> e : expected.entrySet()) {
            InjectionSettings settings = InjectionSettings.defaults()
                    .withIdentitySource(IdentitySource.POD_CERTIFICATES)
                    .withWorkloadKeyType(e.getKey());
            JsonObject volume = certsVolume(handle(settings, resource("pod-opted-in.json")));
            assertThat(volume.getJsonObject("projected")
                            .getJsonArray("sources")
                            .getJsonObject(0)
                            .getJsonObject("podCertificate")
                            .getString("keyType"))
                    .as("%s", e.getKey())
                    .isEqualTo(e.getValue());
        }
    }

    @Test
    void aWorkloadKeyTypeKubeletCannotGenerateIsRefusedUpFront() {
        InjectionSettings rsa2048 = InjectionSettings.defaults().withWorkloadKeyType(KeyType.RSA_2048);
        assertThat(rsa2048.workloadKeyType())
                .as("Secrets may hold RSA 2048 keys")
                .isEqualTo(KeyType.RSA_2048);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> rsa2048.withIdentitySource(IdentitySource.POD_CERTIFICATES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("workload key type rsa-2048 has no Kubernetes Pod Certificate keyType (the API knows"
                        + " RSA3072, RSA4096, ECDSAP256, ECDSAP384, ECDSAP521, ED25519); with identity source"
                        + " podCertificates choose one of ec-p256, ec-p384, rsa-3072, rsa-4096, ed25519");
    }

    private JsonObject handle(IdentitySource source, JsonObject review) {
        return handle(InjectionSettings.defaults().withIdentitySource(source), review);
    }

    private JsonObject handle(InjectionSettings settings, JsonObject review) {
        SecretDemand demand = (namespace, serviceAccount) -> demands.add(namespace + "/" + serviceAccount);
        PodInjector injector = new PodInjector(settings, json);
        AdmissionReviewHandler handler = new AdmissionReviewHandler(injector, namespace -> Map.of(), demand, json);
        AdmissionReply reply = handler.handle(review.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(reply.httpStatus()).isEqualTo(200);
        try (JsonReader r = Json.createReader(new StringReader(new String(reply.body(), StandardCharsets.UTF_8)))) {
            return r.readObject().getJsonObject("response");
        }
    }

    /** The certificate volume the reply's patch adds. */
    private static JsonObject certsVolume(JsonObject reply) {
        return patch(reply).stream()
                .map(JsonValue::asJsonObject)
                .filter(op -> op.getString("path").startsWith("/spec/volumes/"))
                .map(op -> op.getJsonObject("value"))
                .filter(v -> v.getString("name").equals("meshless-certs"))
                .findFirst()
                .orElseThrow();
    }

    private static JsonArray patch(JsonObject reply) {
        String text = new String(Base64.getDecoder().decode(reply.getString("patch")), StandardCharsets.UTF_8);
        try (JsonReader r = Json.createReader(new StringReader(text))) {
            return r.readArray();
        }
    }

    private static JsonObject resource(String name) throws Exception {
        try (InputStream in = PodCertificateInjectionTest.class.getResourceAsStream("/admission/" + name);
                JsonReader r = Json.createReader(in)) {
            return r.readObject();
        }
    }
}
