package io.meshless.injector.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.zjsonpatch.JsonPatch;
import io.meshless.injector.webhook.Injection;
import io.meshless.injector.webhook.InjectionDenied;
import io.meshless.injector.webhook.PodInjector;
import io.meshless.injector.webhook.PodPatch;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * {@code inject -f}: injects the pod templates of workload manifests, like {@code linkerd inject}.
 * Documents are read and written by Jackson YAML; the change to each workload is the same diff
 * the webhook sends, applied to the document as written, so the user's other fields, key order
 * and quantities stay exactly as they were.
 */
public final class ManifestInjector {
    private final PodInjector injector;
    private final ObjectMapper json;
    private final YAMLMapper yaml;

    public ManifestInjector(PodInjector injector, ObjectMapper json) {
        this.injector = Objects.requireNonNull(injector, "injector");
        this.json = Objects.requireNonNull(json, "json");
        this.yaml = YAMLMapper.builder(YAMLFactory.builder()
                        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                        .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                        .disable(YAMLGenerator.Feature.SPLIT_LINES)
                        .build())
                .build();
    }

    /** A manifest that cannot be injected: the message names the source, document and problem. */
    public static final class ManifestException extends Exception {
        private static final long serialVersionUID = 1L;

        ManifestException(String message) {
            super(message);
        }
    }

    /**
     * @param source the file name (or "stdin") for messages
     * @param warnings receives one line per warning, already prefixed with the document
     * @return the documents as multi-document YAML
     */
    public String inject(String source, String text, Consumer<String> warnings) throws ManifestException {
        List<JsonNode> documents = new ArrayList<>();
        try (JsonParser parser = yaml.getFactory().createParser(text);
                MappingIterator<JsonNode> it = yaml.readValues(parser, JsonNode.class)) {
            while (it.hasNextValue()) {
                documents.add(it.nextValue());
            }
        } catch (JacksonException e) {
            String where = e.getLocation() == null
                    ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")";
            throw new ManifestException(source + ": not valid YAML" + where + ": " + firstLine(e.getOriginalMessage()));
        } catch (IOException | RuntimeException e) {
            throw new ManifestException(source + ": cannot be read as YAML: " + firstLine(e.getMessage()));
        }
        StringWriter out = new StringWriter();
        int index = 0;
        for (JsonNode document : documents) {
            index++;
            if (document == null
                    || document.isNull()
                    || document.isMissingNode()
                    || document.isTextual() && document.asText().isEmpty()) {
                continue; // an empty document between two "---"
            }
            String where = source + ": document " + index;
            JsonNode result = injectResource(document, where, warnings);
            try {
                out.write(yaml.writeValueAsString(result));
            } catch (IOException e) {
                throw new ManifestException(where + ": cannot be written as YAML: " + e.getMessage());
            }
        }
        return out.toString();
    }

    private JsonNode injectResource(JsonNode resource, String where, Consumer<String> warnings)
            throws ManifestException {
        if (!resource.isObject()) {
            return resource;
        }
        String kind = resource.path("kind").asText("");
        String apiVersion = resource.path("apiVersion").asText("");
        String label = where + " (" + kind + " " + name(resource) + ")";
        switch (kind) {
            case "List":
                if (!resource.path("items").isArray()) {
                    return resource;
                }
                ObjectNode list = resource.deepCopy();
                ArrayNode items = (ArrayNode) list.get("items");
                for (int i = 0; i < items.size(); i++) {
                    items.set(i, injectResource(items.get(i), where + " item " + i, warnings));
                }
                return list;
            case "Pod":
                return apiVersion.equals("v1") ? injectTemplate(resource, resource, "", label, warnings) : resource;
            case "Deployment":
            case "StatefulSet":
            case "DaemonSet":
            case "ReplicaSet":
                return apiVersion.equals("apps/v1")
                        ? injectTemplate(resource, resource, "/spec/template", label, warnings)
                        : resource;
            case "Job":
                return apiVersion.equals("batch/v1")
                        ? injectTemplate(resource, resource, "/spec/template", label, warnings)
                        : resource;
            case "CronJob":
                return apiVersion.equals("batch/v1")
                        ? injectTemplate(resource, resource, "/spec/jobTemplate/spec/template", label, warnings)
                        : resource;
            default:
                return resource; // not a workload: passes through unchanged
        }
    }

    private JsonNode injectTemplate(
            JsonNode resource, JsonNode root, String templatePath, String label, Consumer<String> warnings)
            throws ManifestException {
        JsonNode template = templatePath.isEmpty() ? root : root.at(templatePath);
        if (!template.isObject()) {
            throw new ManifestException(
                    label + ": has no pod template at " + (templatePath.isEmpty() ? "/" : templatePath));
        }
        ObjectNode podNode = json.createObjectNode();
        podNode.put("apiVersion", "v1");
        podNode.put("kind", "Pod");
        if (template.has("metadata")) {
            podNode.set("metadata", template.get("metadata"));
        }
        if (template.has("spec")) {
            podNode.set("spec", template.get("spec"));
        }
        Pod pod;
        try {
            pod = json.treeToValue(podNode, Pod.class);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new ManifestException(label + ": pod template is not a valid pod spec: " + firstLine(e.getMessage()));
        }
        String namespace = resource.path("metadata").path("namespace").asText(null);
        Injection injection;
        try {
            injection = injector.inject(pod, namespace, Map.of());
        } catch (InjectionDenied e) {
            throw new ManifestException(label + ": " + e.getMessage());
        }
        for (String warning : injection.warnings()) {
            warnings.accept(label + ": " + warning);
        }
        if (injection.outcome() != Injection.Outcome.INJECTED) {
            return resource;
        }
        JsonNode patch = PodPatch.diff(json, pod, injection.pod());
        ObjectNode result = resource.deepCopy();
        ObjectNode target = templatePath.isEmpty() ? result : (ObjectNode) result.at(templatePath);
        // The patch's paths are relative to the pod, i.e. to the template's metadata/spec.
        JsonNode patched = JsonPatch.apply(patch, target);
        for (String field : List.of("metadata", "spec")) {
            if (patched.has(field)) {
                target.set(field, patched.get(field));
            }
        }
        return result;
    }

    private static String name(JsonNode resource) {
        JsonNode meta = resource.path("metadata");
        String name = meta.path("name").asText(meta.path("generateName").asText("<unnamed>"));
        String namespace = meta.path("namespace").asText("");
        return namespace.isEmpty() ? name : namespace + "/" + name;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown problem";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
