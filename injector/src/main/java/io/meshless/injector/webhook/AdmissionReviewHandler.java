package io.meshless.injector.webhook;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * AdmissionReview bytes in, AdmissionReview bytes out, with no HTTP in sight: the HTTP server
 * and the fuzz test both call {@link #handle(byte[])}. Stateless, so one bad request cannot
 * affect the next. It never throws: every input gets a reply.
 */
public final class AdmissionReviewHandler {
    public static final String API_VERSION = "admission.k8s.io/v1";
    public static final String KIND = "AdmissionReview";
    static final String JSON = "application/json";
    static final String TEXT = "text/plain; charset=utf-8";

    private final PodInjector injector;
    private final NamespaceLabels namespaceLabels;
    private final SecretDemand secretDemand;
    private final ObjectMapper mapper;

    public AdmissionReviewHandler(
            PodInjector injector, NamespaceLabels namespaceLabels, SecretDemand secretDemand, ObjectMapper mapper) {
        this.injector = Objects.requireNonNull(injector, "injector");
        this.namespaceLabels = Objects.requireNonNull(namespaceLabels, "namespaceLabels");
        this.secretDemand = Objects.requireNonNull(secretDemand, "secretDemand");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    public AdmissionReply handle(byte[] body) {
        try {
            return handleChecked(body);
        } catch (BadReview e) {
            return text(400, AdmissionReply.Result.INVALID, e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            // A bug of ours must not admit anything: no patch, a 500 the API server reports.
            return text(
                    500,
                    AdmissionReply.Result.ERROR,
                    "meshless injector failed on this review: " + e.getClass().getSimpleName());
        }
    }

    private AdmissionReply handleChecked(byte[] body) throws BadReview {
        JsonNode root = parse(body);
        ObjectNode request = checkEnvelope(root);
        String uid = request.get("uid").asText();

        AdmissionReview review;
        try {
            review = mapper.treeToValue(root, AdmissionReview.class);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new BadReview("body is not a valid AdmissionReview: " + firstLine(e.getMessage()));
        }
        boolean dryRun = Boolean.TRUE.equals(review.getRequest().getDryRun());
        String operation = review.getRequest().getOperation();
        String namespace = review.getRequest().getNamespace();

        if (!isPod(request.get("kind"))
                || request.has("subResource")
                        && !request.get("subResource").asText().isEmpty()) {
            return allow(uid, null, List.of(), AdmissionReply.Result.SKIPPED, "not a pod: nothing to inject");
        }
        if (!"CREATE".equals(operation)) {
            return allow(
                    uid,
                    null,
                    List.of(),
                    AdmissionReply.Result.SKIPPED,
                    "operation " + operation + ": only CREATE injects");
        }
        JsonNode object = request.get("object");
        if (object == null || !object.isObject()) {
            throw new BadReview("request.object must be the Pod being created (found " + nodeType(object) + ")");
        }
        JsonNode objectKind = object.get("kind");
        if (objectKind != null && !"Pod".equals(objectKind.asText())) {
            throw new BadReview("request.object.kind is \"" + objectKind.asText() + "\" but request.kind says Pod");
        }
        Pod pod;
        try {
            pod = mapper.treeToValue(object, Pod.class);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new BadReview("request.object is not a valid Pod: " + firstLine(e.getMessage()));
        }

        Map<String, String> labels = namespace == null ? Map.of() : namespaceLabels.labelsOf(namespace);
        Injection injection;
        try {
            injection = injector.inject(pod, namespace, labels == null ? Map.of() : labels);
        } catch (InjectionDenied e) {
            return deny(uid, e.getMessage());
        }
        if (injection.outcome() != Injection.Outcome.INJECTED) {
            return allow(uid, null, injection.warnings(), AdmissionReply.Result.SKIPPED, injection.reason());
        }
        JsonNode patch = PodPatch.diff(mapper, pod, injection.pod());
        if (!dryRun && mountsSecret(injection.pod())) {
            // Only after the whole patch exists: a denied or failed review never asks for a Secret,
            // and a pod whose certificate kubelet requests (Pod Certificates) needs none.
            secretDemand.serviceAccountNeedsSecret(namespace, injection.serviceAccount());
        }
        return allow(uid, patch, injection.warnings(), AdmissionReply.Result.INJECTED, injection.reason());
    }

    private JsonNode parse(byte[] body) throws BadReview {
        if (body == null || body.length == 0) {
            throw new BadReview("request body is empty: expected an " + API_VERSION + " AdmissionReview");
        }
        try {
            JsonNode root = mapper.readTree(body);
            if (root == null || root.isMissingNode()) {
                throw new BadReview("request body is empty: expected an " + API_VERSION + " AdmissionReview");
            }
            return root;
        } catch (StreamConstraintsException e) {
            throw new BadReview("request body is nested too deeply (more than " + KubernetesJson.MAX_NESTING_DEPTH
                    + " levels): not an AdmissionReview");
        } catch (JacksonException e) {
            throw new BadReview("request body is not valid JSON: " + firstLine(e.getOriginalMessage()) + location(e));
        } catch (java.io.IOException e) {
            throw new BadReview("request body could not be read: " + e.getMessage());
        }
    }

    private static ObjectNode checkEnvelope(JsonNode root) throws BadReview {
        if (!root.isObject()) {
            throw new BadReview("request body must be a JSON object (an AdmissionReview), found " + nodeType(root));
        }
        JsonNode apiVersion = root.get("apiVersion");
        JsonNode kind = root.get("kind");
        if (kind == null || !kind.isTextual() || !KIND.equals(kind.asText())) {
            throw new BadReview("kind must be \"" + KIND + "\", found " + describe(kind));
        }
        if (apiVersion == null || !apiVersion.isTextual() || !API_VERSION.equals(apiVersion.asText())) {
            throw new BadReview("apiVersion must be \"" + API_VERSION + "\", found " + describe(apiVersion)
                    + (apiVersion != null && "admission.k8s.io/v1beta1".equals(apiVersion.asText())
                            ? " (set admissionReviewVersions: [v1] in the webhook configuration)"
                            : ""));
        }
        JsonNode request = root.get("request");
        if (request == null || !request.isObject()) {
            throw new BadReview("request must be an object, found " + describe(request));
        }
        JsonNode uid = request.get("uid");
        if (uid == null || !uid.isTextual() || uid.asText().isEmpty()) {
            throw new BadReview("request.uid must be a non-empty string, found " + describe(uid));
        }
        JsonNode requestKind = request.get("kind");
        if (requestKind == null || !requestKind.isObject()) {
            throw new BadReview(
                    "request.kind must be an object {group, version, kind}, found " + describe(requestKind));
        }
        JsonNode operation = request.get("operation");
        if (operation == null || !operation.isTextual()) {
            throw new BadReview("request.operation must be a string, found " + describe(operation));
        }
        return (ObjectNode) request;
    }

    private static boolean isPod(JsonNode kind) {
        return "".equals(kind.path("group").asText(""))
                && "v1".equals(kind.path("version").asText())
                && "Pod".equals(kind.path("kind").asText());
    }

    private AdmissionReply allow(
            String uid, JsonNode patch, List<String> warnings, AdmissionReply.Result result, String message) {
        AdmissionResponse response = new AdmissionResponse();
        response.setUid(uid);
        response.setAllowed(true);
        if (patch != null && patch.size() > 0) {
            response.setPatchType("JSONPatch");
            response.setPatch(
                    Base64.getEncoder().encodeToString(patch.toString().getBytes(StandardCharsets.UTF_8)));
        }
        if (!warnings.isEmpty()) {
            response.setWarnings(new ArrayList<>(warnings));
        }
        return review(response, result, message);
    }

    private AdmissionReply deny(String uid, String message) {
        Status status = new Status();
        status.setCode(400);
        status.setReason("BadRequest");
        status.setMessage("meshless: " + message);
        AdmissionResponse response = new AdmissionResponse();
        response.setUid(uid);
        response.setAllowed(false);
        response.setStatus(status);
        return review(response, AdmissionReply.Result.DENIED, message);
    }

    private AdmissionReply review(AdmissionResponse response, AdmissionReply.Result result, String message) {
        AdmissionReview out = new AdmissionReview();
        out.setApiVersion(API_VERSION);
        out.setKind(KIND);
        out.setResponse(response);
        try {
            return new AdmissionReply(200, JSON, mapper.writeValueAsBytes(out), result, message);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize AdmissionReview response", e);
        }
    }

    private static AdmissionReply text(int status, AdmissionReply.Result result, String message) {
        return new AdmissionReply(status, TEXT, (message + "\n").getBytes(StandardCharsets.UTF_8), result, message);
    }

    private static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isTextual()) {
            String text = node.asText();
            return "\"" + (text.length() > 80 ? text.substring(0, 80) + "..." : text) + "\"";
        }
        return nodeType(node);
    }

    private static String nodeType(JsonNode node) {
        return node == null || node.isMissingNode()
                ? "nothing"
                : "a JSON " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String location(JacksonException e) {
        return e.getLocation() == null
                ? ""
                : " (line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ")";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown problem";
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    /** A body that is not an AdmissionReview we can answer: HTTP 400 with this message. */
    private static final class BadReview extends Exception {
        private static final long serialVersionUID = 1L;

        BadReview(String message) {
            super(message);
        }
    }

    private static boolean mountsSecret(io.fabric8.kubernetes.api.model.Pod injected) {
        return injected.getSpec().getVolumes().stream()
                .anyMatch(v -> PodInjector.CERTS_VOLUME.equals(v.getName()) && v.getSecret() != null);
    }
}
