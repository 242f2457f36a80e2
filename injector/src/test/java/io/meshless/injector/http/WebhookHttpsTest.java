package io.meshless.injector.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * POSTs real AdmissionReview JSON to the real HTTPS server and applies the returned JSON Patch
 * with Eclipse Parsson (an RFC 6902 implementation independent of zjsonpatch) to the pod exactly
 * as the API server sent it.
 */
class WebhookHttpsTest {
    @TempDir
    Path dir;

    RunningWebhook webhook;

    @BeforeEach
    void start() throws Exception {
        webhook = new RunningWebhook(
                dir, namespace -> "labelled".equals(namespace) ? Map.of("meshless.io/inject", "enabled") : Map.of());
    }

    @AfterEach
    void stop() {
        webhook.close();
    }

    @Test
    void injectsOptedInPodAndThePatchAppliesWithAnIndependentImplementation() throws Exception {
        JsonObject review = resource("pod-opted-in.json");
        HttpResponse<String> response =
                webhook.post("/mutate", review.toString().getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonObject answer = parse(response.body());
        assertThat(answer.getString("apiVersion")).isEqualTo("admission.k8s.io/v1");
        assertThat(answer.getString("kind")).isEqualTo("AdmissionReview");
        JsonObject reply = answer.getJsonObject("response");
        assertThat(reply.getString("uid")).isEqualTo("705ab4f5-6393-11e8-b7cc-42010a800002");
        assertThat(reply.getBoolean("allowed")).isTrue();
        assertThat(reply.getString("patchType")).isEqualTo("JSONPatch");

        JsonObject original = review.getJsonObject("request").getJsonObject("object");
        JsonObject pod = applyPatch(original, reply.getString("patch"));

        JsonObject annotations = pod.getJsonObject("metadata").getJsonObject("annotations");
        assertThat(annotations.getString("meshless.io/status")).isEqualTo("injected");
        assertThat(annotations.getString("kubectl.kubernetes.io/restartedAt")).isEqualTo("2026-11-23T10:00:00Z");
        // The controller's label joins the pod's own labels, which stay as they were.
        JsonObject labels = pod.getJsonObject("metadata").getJsonObject("labels");
        assertThat(labels.getString("meshless.io/injected")).isEqualTo("true");
        assertThat(labels.getString("app")).isEqualTo("orders");
        assertThat(labels.getString("pod-template-hash")).isEqualTo("7d4b9c");

        JsonObject spec = pod.getJsonObject("spec");
        JsonObject certs = byName(spec.getJsonArray("volumes"), "meshless-certs");
        assertThat(certs.getJsonObject("secret").getString("secretName")).isEqualTo("meshless-orders");
        assertThat(byName(spec.getJsonArray("volumes"), "meshless-agent").containsKey("emptyDir"))
                .isTrue();
        assertThat(byName(spec.getJsonArray("volumes"), "config")
                        .getJsonObject("configMap")
                        .getString("name"))
                .isEqualTo("orders-config");

        JsonArray inits = spec.getJsonArray("initContainers");
        assertThat(inits.getJsonObject(0).getString("name")).isEqualTo("meshless-agent-init");
        assertThat(inits.getJsonObject(1).getString("name")).isEqualTo("migrate");
        JsonObject security = inits.getJsonObject(0).getJsonObject("securityContext");
        assertThat(security.getBoolean("runAsNonRoot")).isTrue();
        assertThat(security.getBoolean("readOnlyRootFilesystem")).isTrue();
        assertThat(security.getBoolean("allowPrivilegeEscalation")).isFalse();
        assertThat(security.getJsonObject("capabilities").getJsonArray("drop").getString(0))
                .isEqualTo("ALL");
        assertThat(security.getJsonObject("seccompProfile").getString("type")).isEqualTo("RuntimeDefault");
        assertThat(inits.getJsonObject(0).getJsonArray("command").getValuesAs(JsonString::getString))
                .containsExactly("cp", "/meshless-agent.jar", "/var/run/meshless/agent/meshless-agent.jar");

        for (JsonValue value : spec.getJsonArray("containers")) {
            JsonObject container = value.asJsonObject();
            JsonObject certMount = byName(container.getJsonArray("volumeMounts"), "meshless-certs");
            assertThat(certMount.getString("mountPath")).isEqualTo("/var/run/meshless/certs");
            assertThat(certMount.getBoolean("readOnly")).isTrue();
            assertThat(byName(container.getJsonArray("volumeMounts"), "meshless-agent")
                            .getString("mountPath"))
                    .isEqualTo("/var/run/meshless/agent");
            Map<String, String> env = env(container);
            assertThat(env.get("MESHLESS_MODE")).isEqualTo("permissive");
            assertThat(env.get("MESHLESS_ALLOWED_PEERS"))
                    .isEqualTo("spiffe://cluster.local/ns/shop/*,spiffe://cluster.local/ns/pay/sa/gateway");
        }
        JsonObject app = byName(spec.getJsonArray("containers"), "app");
        assertThat(env(app).get("JAVA_TOOL_OPTIONS"))
                .isEqualTo("-Xmx256m -XX:+UseG1GC -javaagent:/var/run/meshless/agent/meshless-agent.jar");
        assertThat(byName(app.getJsonArray("env"), "POD_NAME").containsKey("valueFrom"))
                .isTrue();
        assertThat(byName(app.getJsonArray("volumeMounts"), "config").getString("mountPath"))
                .isEqualTo("/etc/orders");
        assertThat(app.getJsonObject("resources").getJsonObject("requests").getString("cpu"))
                .isEqualTo("500m");
        assertThat(env(byName(spec.getJsonArray("containers"), "metrics-exporter"))
                        .get("JAVA_TOOL_OPTIONS"))
                .isEqualTo("-javaagent:/var/run/meshless/agent/meshless-agent.jar");

        assertThat(webhook.secretDemands).containsExactly("shop/orders");
    }

    @Test
    void podWithoutLabelsGainsTheInjectedLabel() throws Exception {
        JsonObject review = resource("pod-opted-in.json");
        JsonObject request = review.getJsonObject("request");
        JsonObject object = request.getJsonObject("object");
        JsonObject unlabelled = Json.createObjectBuilder(review)
                .add(
                        "request",
                        Json.createObjectBuilder(request)
                                .add(
                                        "object",
                                        Json.createObjectBuilder(object)
                                                .add(
                                                        "metadata",
                                                        Json.createObjectBuilder(object.getJsonObject("metadata"))
                                                                .remove("labels"))))
                .build();

        JsonObject reply =
                parse(webhook.post("/mutate", bytes(unlabelled)).body()).getJsonObject("response");
        JsonObject pod =
                applyPatch(unlabelled.getJsonObject("request").getJsonObject("object"), reply.getString("patch"));

        // No labels map to add a key to: the patch must create it (an add of the key alone would not apply).
        assertThat(pod.getJsonObject("metadata").getJsonObject("labels"))
                .isEqualTo(Json.createObjectBuilder()
                        .add("meshless.io/injected", "true")
                        .build());
    }

    @Test
    void reinjectingAnInjectedPodChangesNothing() throws Exception {
        JsonObject review = resource("pod-opted-in.json");
        JsonObject first = parse(webhook.post("/mutate", bytes(review)).body()).getJsonObject("response");
        JsonObject injected =
                applyPatch(review.getJsonObject("request").getJsonObject("object"), first.getString("patch"));
        JsonObject again = Json.createObjectBuilder(review)
                .add(
                        "request",
                        Json.createObjectBuilder(review.getJsonObject("request"))
                                .add("object", injected))
                .build();

        JsonObject second = parse(webhook.post("/mutate", bytes(again)).body()).getJsonObject("response");

        assertThat(second.getBoolean("allowed")).isTrue();
        assertThat(second.containsKey("patch")).isFalse();
    }

    @Test
    void admitsPodThatDidNotOptInWithoutPatch() throws Exception {
        HttpResponse<String> response = webhook.post("/mutate", bytes(resource("pod-not-opted-in.json")));

        JsonObject reply = parse(response.body()).getJsonObject("response");
        assertThat(reply.getString("uid")).isEqualTo("11111111-0000-0000-0000-000000000001");
        assertThat(reply.getBoolean("allowed")).isTrue();
        assertThat(reply.containsKey("patch")).isFalse();
        assertThat(webhook.secretDemands).isEmpty();
    }

    @Test
    void injectsPodOfNamespaceLabelledEnabled() throws Exception {
        JsonObject review = resource("pod-not-opted-in.json");
        JsonObject inLabelled = Json.createObjectBuilder(review)
                .add(
                        "request",
                        Json.createObjectBuilder(review.getJsonObject("request"))
                                .add("namespace", "labelled"))
                .build();

        JsonObject reply =
                parse(webhook.post("/mutate", bytes(inLabelled)).body()).getJsonObject("response");

        assertThat(reply.getString("patchType")).isEqualTo("JSONPatch");
        assertThat(webhook.secretDemands).containsExactly("labelled/orders");
    }

    @Test
    void dryRunIsInjectedButAsksForNoSecret() throws Exception {
        JsonObject review = resource("pod-dry-run.json");
        JsonObject reply = parse(webhook.post("/mutate", bytes(review)).body()).getJsonObject("response");

        assertThat(reply.getBoolean("allowed")).isTrue();
        JsonObject pod = applyPatch(review.getJsonObject("request").getJsonObject("object"), reply.getString("patch"));
        assertThat(pod.getJsonObject("metadata").getJsonObject("annotations").getString("meshless.io/status"))
                .isEqualTo("injected");
        assertThat(webhook.secretDemands).isEmpty();
    }

    @Test
    void javaToolOptionsFromValueFromIsKeptAndTheAgentAddedAfterIt() throws Exception {
        JsonObject review = resource("pod-java-tool-options-value-from.json");
        JsonObject reply = parse(webhook.post("/mutate", bytes(review)).body()).getJsonObject("response");

        assertThat(reply.getBoolean("allowed")).isTrue();
        JsonObject pod = applyPatch(review.getJsonObject("request").getJsonObject("object"), reply.getString("patch"));
        JsonObject app = byName(pod.getJsonObject("spec").getJsonArray("containers"), "app");
        List<String> names = app.getJsonArray("env").stream()
                .map(e -> e.asJsonObject().getString("name"))
                .collect(Collectors.toList());
        // The user's reference keeps its source under another name; JAVA_TOOL_OPTIONS, right after
        // it, refers to it with $(...), which Kubernetes expands from the variables defined before.
        assertThat(names)
                .containsSubsequence("MESHLESS_APP_JAVA_TOOL_OPTIONS", "JAVA_TOOL_OPTIONS")
                .containsOnlyOnce("JAVA_TOOL_OPTIONS");
        assertThat(names.indexOf("JAVA_TOOL_OPTIONS")).isEqualTo(names.indexOf("MESHLESS_APP_JAVA_TOOL_OPTIONS") + 1);
        JsonObject kept = byName(app.getJsonArray("env"), "MESHLESS_APP_JAVA_TOOL_OPTIONS");
        assertThat(kept.getJsonObject("valueFrom").getJsonObject("configMapKeyRef"))
                .isEqualTo(Json.createObjectBuilder()
                        .add("name", "jvm")
                        .add("key", "options")
                        .build());
        assertThat(env(app).get("JAVA_TOOL_OPTIONS"))
                .isEqualTo("$(MESHLESS_APP_JAVA_TOOL_OPTIONS) -javaagent:/var/run/meshless/agent/meshless-agent.jar");
        assertThat(reply.containsKey("warnings")).isFalse();
        // No serviceAccountName: the pod runs as "default" and mounts that account's Secret.
        assertThat(byName(pod.getJsonObject("spec").getJsonArray("volumes"), "meshless-certs")
                        .getJsonObject("secret")
                        .getString("secretName"))
                .isEqualTo("meshless-default");
        assertThat(webhook.secretDemands).containsExactly("shop/default");
    }

    @Test
    void deniesJavaToolOptionsFromAnOptionalReferenceSayingWhatToChange() throws Exception {
        for (String ref : List.of("configMapKeyRef", "secretKeyRef")) {
            JsonObject review = withAppEnv(
                    resource("pod-java-tool-options-value-from.json"),
                    Json.createObjectBuilder()
                            .add("name", "JAVA_TOOL_OPTIONS")
                            .add(
                                    "valueFrom",
                                    Json.createObjectBuilder()
                                            .add(
                                                    ref,
                                                    Json.createObjectBuilder()
                                                            .add("name", "jvm")
                                                            .add("key", "options")
                                                            .add("optional", true)))
                            .build());

            JsonObject reply =
                    parse(webhook.post("/mutate", bytes(review)).body()).getJsonObject("response");

            assertThat(reply.getBoolean("allowed")).as(ref).isFalse();
            assertThat(reply.containsKey("patch")).isFalse();
            assertThat(reply.getJsonObject("status").getString("message"))
                    .contains("container app")
                    .contains("JAVA_TOOL_OPTIONS")
                    .contains("optional valueFrom reference")
                    .contains("make the reference optional: false");
        }
        assertThat(webhook.secretDemands).isEmpty();
    }

    @Test
    void deniesCertDirWithWhitespaceOrControlCharacters() throws Exception {
        for (String bad : List.of("/certs -Dfoo=bar", "/certs\n-Dfoo=bar", "/cer\tts", "/cer\u0000ts")) {
            JsonObject review = withAnnotation(resource("pod-opted-in.json"), "meshless.io/cert-dir", bad);

            JsonObject reply =
                    parse(webhook.post("/mutate", bytes(review)).body()).getJsonObject("response");

            assertThat(reply.getBoolean("allowed")).as(bad).isFalse();
            assertThat(reply.getJsonObject("status").getString("message"))
                    .contains("meshless.io/cert-dir")
                    .contains("without whitespace or control characters");
        }
        JsonObject relative = withAnnotation(resource("pod-opted-in.json"), "meshless.io/cert-dir", "certs");
        assertThat(parse(webhook.post("/mutate", bytes(relative)).body())
                        .getJsonObject("response")
                        .getJsonObject("status")
                        .getString("message"))
                .contains("must be an absolute directory path");
        assertThat(webhook.secretDemands).isEmpty();
    }

    @Test
    void acceptsCertDirWithSurroundingWhitespaceTrimmed() throws Exception {
        JsonObject review = withAnnotation(resource("pod-opted-in.json"), "meshless.io/cert-dir", " /etc/mesh\n");
        JsonObject reply = parse(webhook.post("/mutate", bytes(review)).body()).getJsonObject("response");

        assertThat(reply.getBoolean("allowed")).isTrue();
        JsonObject pod = applyPatch(review.getJsonObject("request").getJsonObject("object"), reply.getString("patch"));
        JsonObject app = byName(pod.getJsonObject("spec").getJsonArray("containers"), "app");
        assertThat(byName(app.getJsonArray("volumeMounts"), "meshless-certs").getString("mountPath"))
                .isEqualTo("/etc/mesh");
        assertThat(env(app).get("MESHLESS_CERT_DIR")).isEqualTo("/etc/mesh");
    }

    @Test
    void agentFalseMountsTheCertificateOnlyAndTheControllerStillIssuesIt() throws Exception {
        JsonObject review = withAnnotation(resource("pod-opted-in.json"), "meshless.io/agent", "false");
        JsonObject reply = parse(webhook.post("/mutate", bytes(review)).body()).getJsonObject("response");

        assertThat(reply.getBoolean("allowed")).isTrue();
        JsonObject original = review.getJsonObject("request").getJsonObject("object");
        JsonObject pod = applyPatch(original, reply.getString("patch"));
        JsonObject spec = pod.getJsonObject("spec");
        assertThat(spec.getJsonArray("volumes").stream()
                        .map(v -> v.asJsonObject().getString("name"))
                        .collect(Collectors.toList()))
                .containsExactly("config", "kube-api-access-x1", "meshless-certs");
        assertThat(byName(spec.getJsonArray("volumes"), "meshless-certs")
                        .getJsonObject("secret")
                        .getString("secretName"))
                .isEqualTo("meshless-orders");
        // No init container: the pod's own stay exactly as they were.
        assertThat(spec.getJsonArray("initContainers"))
                .isEqualTo(original.getJsonObject("spec").getJsonArray("initContainers"));
        for (JsonValue value : spec.getJsonArray("containers")) {
            JsonObject container = value.asJsonObject();
            JsonObject before =
                    byName(original.getJsonObject("spec").getJsonArray("containers"), container.getString("name"));
            JsonObject certMount = byName(container.getJsonArray("volumeMounts"), "meshless-certs");
            assertThat(certMount.getString("mountPath")).isEqualTo("/var/run/meshless/certs");
            assertThat(certMount.getBoolean("readOnly")).isTrue();
            assertThat(container.getJsonArray("volumeMounts"))
                    .hasSize(
                            before.containsKey("volumeMounts")
                                    ? before.getJsonArray("volumeMounts").size() + 1
                                    : 1);
            // Environment untouched: no JAVA_TOOL_OPTIONS change, no MESHLESS_* options.
            assertThat(container.get("env")).isEqualTo(before.get("env"));
        }
        JsonObject annotations = pod.getJsonObject("metadata").getJsonObject("annotations");
        assertThat(annotations.getString("meshless.io/status")).isEqualTo("injected");
        assertThat(pod.getJsonObject("metadata").getJsonObject("labels").getString("meshless.io/injected"))
                .isEqualTo("true");
        assertThat(strings(reply.getJsonArray("warnings")))
                .anySatisfy(w -> assertThat(w).contains("meshless.io/mode has no effect"));
        assertThat(webhook.secretDemands).containsExactly("shop/orders");
    }

    @Test
    void deniesAgentAnnotationThatIsNeitherTrueNorFalse() throws Exception {
        JsonObject review = withAnnotation(resource("pod-opted-in.json"), "meshless.io/agent", "no");
        JsonObject reply = parse(webhook.post("/mutate", bytes(review)).body()).getJsonObject("response");

        assertThat(reply.getBoolean("allowed")).isFalse();
        assertThat(reply.getJsonObject("status").getString("message"))
                .contains("meshless.io/agent")
                .contains("\"no\"")
                .contains("\"true\" or \"false\"");
    }

    @Test
    void deniesInvalidModeAnnotationNamingIt() throws Exception {
        JsonObject review = withAnnotation(resource("pod-opted-in.json"), "meshless.io/mode", "strikt");
        HttpResponse<String> response = webhook.post("/mutate", bytes(review));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonObject reply = parse(response.body()).getJsonObject("response");
        assertThat(reply.getBoolean("allowed")).isFalse();
        assertThat(reply.containsKey("patch")).isFalse();
        assertThat(reply.getJsonObject("status").getString("message"))
                .contains("meshless.io/mode")
                .contains("strikt")
                .contains("strict, permissive, audit, off");
        assertThat(webhook.secretDemands).isEmpty();
    }

    @Test
    void deniesUnknownContainerNameListingTheRealOnes() throws Exception {
        JsonObject review = withAnnotation(resource("pod-opted-in.json"), "meshless.io/containers", "app,wroker");
        JsonObject reply = parse(webhook.post("/mutate", bytes(review)).body()).getJsonObject("response");

        assertThat(reply.getBoolean("allowed")).isFalse();
        assertThat(reply.getJsonObject("status").getString("message"))
                .contains("meshless.io/containers")
                .contains("\"wroker\"")
                .contains("app, metrics-exporter");
    }

    @Test
    void injectsOnlyTheContainersNamedInTheAnnotation() throws Exception {
        JsonObject review = withAnnotation(resource("pod-opted-in.json"), "meshless.io/containers", "metrics-exporter");
        JsonObject reply = parse(webhook.post("/mutate", bytes(review)).body()).getJsonObject("response");
        JsonObject pod = applyPatch(review.getJsonObject("request").getJsonObject("object"), reply.getString("patch"));

        JsonArray containers = pod.getJsonObject("spec").getJsonArray("containers");
        assertThat(env(byName(containers, "app")).get("JAVA_TOOL_OPTIONS")).isEqualTo("-Xmx256m -XX:+UseG1GC");
        assertThat(env(byName(containers, "metrics-exporter")).get("JAVA_TOOL_OPTIONS"))
                .isEqualTo("-javaagent:/var/run/meshless/agent/meshless-agent.jar");
    }

    @Test
    void refusesMalformedJsonWith400NamingTheProblem() throws Exception {
        HttpResponse<String> response =
                webhook.post("/mutate", Files.readAllBytes(resourcePath("review-truncated.json")));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("not valid JSON");
    }

    @Test
    void refusesWrongKindAndWrongApiVersion() throws Exception {
        HttpResponse<String> kind = webhook.post("/mutate", Files.readAllBytes(resourcePath("review-wrong-kind.json")));
        HttpResponse<String> version = webhook.post("/mutate", Files.readAllBytes(resourcePath("review-v1beta1.json")));

        assertThat(kind.statusCode()).isEqualTo(400);
        assertThat(kind.body()).contains("kind must be \"AdmissionReview\"").contains("\"Pod\"");
        assertThat(version.statusCode()).isEqualTo(400);
        assertThat(version.body())
                .contains("apiVersion must be \"admission.k8s.io/v1\"")
                .contains("admission.k8s.io/v1beta1")
                .contains("admissionReviewVersions");
    }

    @Test
    void refusesReviewsWithoutUidOrRequestOrBody() throws Exception {
        JsonObject review = resource("pod-opted-in.json");
        JsonObject noUid = Json.createObjectBuilder(review)
                .add(
                        "request",
                        Json.createObjectBuilder(review.getJsonObject("request"))
                                .remove("uid"))
                .build();
        JsonObject noRequest =
                Json.createObjectBuilder(review).remove("request").build();

        HttpResponse<String> uid = webhook.post("/mutate", bytes(noUid));
        HttpResponse<String> request = webhook.post("/mutate", bytes(noRequest));
        HttpResponse<String> empty = webhook.post("/mutate", new byte[0]);
        HttpResponse<String> array = webhook.post("/mutate", "[1,2]".getBytes(StandardCharsets.UTF_8));

        assertThat(uid.statusCode()).isEqualTo(400);
        assertThat(uid.body()).contains("request.uid");
        assertThat(request.statusCode()).isEqualTo(400);
        assertThat(request.body()).contains("request must be an object");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("empty");
        assertThat(array.statusCode()).isEqualTo(400);
        assertThat(array.body()).contains("JSON object").contains("array");
    }

    @Test
    void refusesDeeplyNestedJsonAndServesTheNextRequest() throws Exception {
        String nested = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":"
                + "[".repeat(200_000) + "]".repeat(200_000) + "}";
        HttpResponse<String> deep = webhook.post("/mutate", nested.getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> next = webhook.post("/mutate", bytes(resource("pod-opted-in.json")));

        assertThat(deep.statusCode()).isEqualTo(400);
        assertThat(deep.body()).contains("nested too deeply");
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(parse(next.body()).getJsonObject("response").getBoolean("allowed"))
                .isTrue();
    }

    @Test
    void refusesChunkedBodyOverThreeMebibytes() throws Exception {
        String response = webhook.rawExchange(out -> {
            out.write(("POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[1024 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            for (int i = 0; i < 3; i++) {
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("1\r\n \r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)); // one byte over 3 MiB
        });

        assertThat(response).startsWith("HTTP/1.1 413 ").contains("over the limit of 3145728 bytes (3 MiB)");
    }

    @Test
    void refusesOversizedContentLengthBeforeReadingTheBody() throws Exception {
        // Headers only: the 100 MB body never comes, so a server that tried to read it would hang.
        String response = webhook.rawExchange(out -> out.write(("POST /mutate HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 104857600\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII)));

        assertThat(response)
                .startsWith("HTTP/1.1 413 Request Entity Too Large")
                .contains("request body of 104857600 bytes is over the limit");
    }

    @Test
    void badRequestDoesNotAffectTheNextOneOnTheSameConnection() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(webhook.post("/mutate", "{\"kind\":".getBytes(StandardCharsets.UTF_8))
                            .statusCode())
                    .isEqualTo(400);
            HttpResponse<String> good = webhook.post("/mutate", bytes(resource("pod-opted-in.json")));
            assertThat(good.statusCode()).isEqualTo(200);
            assertThat(parse(good.body()).getJsonObject("response").getString("patchType"))
                    .isEqualTo("JSONPatch");
        }
    }

    @Test
    void servesHealthReadinessMetricsAndRefusesOtherPathsAndMethods() throws Exception {
        webhook.post("/mutate", bytes(resource("pod-opted-in.json")));
        webhook.post("/mutate", bytes(resource("pod-not-opted-in.json")));
        webhook.post("/mutate", "nope".getBytes(StandardCharsets.UTF_8));

        assertThat(webhook.get("/healthz").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = webhook.get("/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("serving-certificate ok");
        HttpResponse<String> metrics = webhook.get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(metrics.body())
                .contains("meshless_admissions_total{result=\"injected\"} 1")
                .contains("meshless_admissions_total{result=\"skipped\"} 1")
                .contains("meshless_admissions_total{result=\"invalid\"} 1")
                .contains("meshless_admission_duration_seconds_count 3")
                .contains("meshless_admission_duration_seconds_bucket{le=\"+Inf\"} 3");
        assertThat(webhook.get("/mutate").statusCode()).isEqualTo(405);
        assertThat(webhook.get("/mutatex").statusCode()).isEqualTo(404);
        assertThat(webhook.get("/").statusCode()).isEqualTo(404);
    }

    @Test
    void refusesTls11Clients() throws Exception {
        SSLContext tls = webhook.trustingTestCa();
        SSLParameters old = new SSLParameters();
        old.setProtocols(new String[] {"TLSv1.1"});
        HttpClient client =
                HttpClient.newBuilder().sslContext(tls).sslParameters(old).build();
        HttpRequest request = HttpRequest.newBuilder(webhook.uri("/healthz"))
                .timeout(Duration.ofSeconds(20))
                .build();

        assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void rotatedServingCertificateIsServedWithoutRestart() throws Exception {
        String before = servedSerial();
        var rotated = webhook.writeServingCertificate();

        assertThat(webhook.serving.refresh()).isTrue();

        assertThat(servedSerial())
                .isEqualTo(rotated.certificate().getSerialNumber().toString(16))
                .isNotEqualTo(before);
    }

    @Test
    void brokenRotationKeepsTheLastGoodCertificate() throws Exception {
        String before = servedSerial();
        Files.writeString(webhook.certFile, "-----BEGIN CERTIFICATE-----\nMIIB\n", StandardCharsets.US_ASCII);

        assertThatThrownBy(webhook.serving::refresh).hasMessageContaining(webhook.certFile.toString());

        assertThat(servedSerial()).isEqualTo(before);
        assertThat(webhook.get("/readyz").statusCode()).isEqualTo(200);
    }

    private String servedSerial() throws Exception {
        try (SSLSocket socket = webhook.connect()) {
            return ((java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0])
                    .getSerialNumber()
                    .toString(16);
        }
    }

    static JsonObject applyPatch(JsonObject target, String base64Patch) {
        String patch = new String(Base64.getDecoder().decode(base64Patch), StandardCharsets.UTF_8);
        try (JsonReader reader = Json.createReader(new StringReader(patch))) {
            return Json.createPatch(reader.readArray()).apply(target);
        }
    }

    static JsonObject withAnnotation(JsonObject review, String key, String value) {
        return withPodPart(review, "metadata", metadata -> Json.createObjectBuilder(metadata)
                .add(
                        "annotations",
                        Json.createObjectBuilder(metadata.getJsonObject("annotations"))
                                .add(key, value))
                .build());
    }

    /** The review with the first container's env replaced by this single variable. */
    static JsonObject withAppEnv(JsonObject review, JsonObject variable) {
        return withPodPart(review, "spec", spec -> {
            JsonArray containers = spec.getJsonArray("containers");
            JsonObject app = Json.createObjectBuilder(containers.getJsonObject(0))
                    .add("env", Json.createArrayBuilder().add(variable))
                    .build();
            return Json.createObjectBuilder(spec)
                    .add("containers", Json.createArrayBuilder(containers).set(0, app))
                    .build();
        });
    }

    /** The review with the pod's {@code part} ("metadata", "spec") replaced by what {@code change} makes of it. */
    private static JsonObject withPodPart(JsonObject review, String part, UnaryOperator<JsonObject> change) {
        JsonObject request = review.getJsonObject("request");
        JsonObject pod = request.getJsonObject("object");
        return Json.createObjectBuilder(review)
                .add(
                        "request",
                        Json.createObjectBuilder(request)
                                .add(
                                        "object",
                                        Json.createObjectBuilder(pod).add(part, change.apply(pod.getJsonObject(part)))))
                .build();
    }

    static JsonObject byName(JsonArray array, String name) {
        return array.stream()
                .map(JsonValue::asJsonObject)
                .filter(o -> name.equals(o.getString("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no element named " + name + " in " + array));
    }

    static Map<String, String> env(JsonObject container) {
        return container.getJsonArray("env").stream()
                .map(JsonValue::asJsonObject)
                .filter(e -> e.containsKey("value"))
                .collect(Collectors.toMap(e -> e.getString("name"), e -> e.getString("value")));
    }

    static byte[] bytes(JsonObject json) {
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    static JsonObject parse(String json) {
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    static Path resourcePath(String name) throws Exception {
        return Path.of(Objects.requireNonNull(WebhookHttpsTest.class.getResource("/admission/" + name), name)
                .toURI());
    }

    static JsonObject resource(String name) throws Exception {
        return parse(Files.readString(resourcePath(name)));
    }

    static List<String> strings(JsonArray array) {
        return array.getValuesAs(JsonString::getString);
    }
}
