package io.meshless.injector.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.Base64;

/**
 * Any bytes get an answer, never an exception: 400 for a body that is not a v1 AdmissionReview,
 * 200 with a complete decision otherwise, and a returned patch always applies to the pod that was
 * sent. Runs the inputs in src/test/resources/.../AdmissionReviewFuzzTestInputs as a regression
 * test in every build; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class AdmissionReviewFuzzTest {
    private static final ObjectMapper JSON = KubernetesJson.newMapper();
    private static final AdmissionReviewHandler HANDLER = new AdmissionReviewHandler(
            new PodInjector(InjectionSettings.defaults(), JSON), NamespaceLabels.UNKNOWN, SecretDemand.NONE, JSON);

    @FuzzTest(maxDuration = "30s")
    void everyBodyGetsAWellFormedAnswer(byte[] body) throws Exception {
        AdmissionReply reply = HANDLER.handle(body);

        assertThat(reply.httpStatus()).isIn(200, 400);
        if (reply.httpStatus() == 400) {
            assertThat(reply.result()).isEqualTo(AdmissionReply.Result.INVALID);
            return;
        }
        JsonNode answer = JSON.readTree(reply.body());
        JsonNode response = answer.get("response");
        assertThat(response.get("uid").asText())
                .isEqualTo(JSON.readTree(body).get("request").get("uid").asText());
        if (response.has("patch")) {
            assertThat(response.get("allowed").asBoolean()).isTrue();
            JsonNode patch = JSON.readTree(
                    Base64.getDecoder().decode(response.get("patch").asText()));
            JsonNode pod =
                    JsonPatch.apply(patch, JSON.readTree(body).get("request").get("object"));
            assertThat(pod.at("/metadata/annotations").get("meshless.io/status").asText())
                    .isEqualTo("injected");
            // The label the controller selects on arrives with every patch, whether the pod had labels or not.
            assertThat(pod.at("/metadata/labels").get("meshless.io/injected").asText())
                    .isEqualTo("true");
        }
    }
}
