package io.meshless.injector.check;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** All results of one {@code check} run, as lines for a person or as JSON for a script. */
public record CheckReport(InjectorNames names, List<CheckResult> results) {

    public CheckReport {
        results = List.copyOf(results);
    }

    public boolean passed() {
        return count(CheckStatus.FAIL) == 0;
    }

    /** 0 when nothing failed (warnings included), 1 otherwise. */
    public int exitCode() {
        return passed() ? 0 : 1;
    }

    public long count(CheckStatus status) {
        return results.stream().filter(r -> r.status() == status).count();
    }

    /** One line per check: mark, title, what was seen, and for a warning or failure the fix. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        out.append("meshless check: injector ")
                .append(names.namespace())
                .append('/')
                .append(names.deploymentName())
                .append("\n\n");
        for (CheckResult r : results) {
            out.append(r.status().mark())
                    .append(' ')
                    .append(r.title())
                    .append(": ")
                    .append(oneLine(r.detail()));
            if (r.fix() != null) {
                out.append(" → fix: ").append(oneLine(r.fix()));
            }
            out.append('\n');
        }
        out.append('\n')
                .append(passed() ? CheckStatus.PASS.mark() : CheckStatus.FAIL.mark())
                .append(' ')
                .append(count(CheckStatus.PASS))
                .append(" passed, ")
                .append(Listing.count(count(CheckStatus.WARN), "warning"))
                .append(", ")
                .append(count(CheckStatus.FAIL))
                .append(" failed\n");
        return out.toString();
    }

    public String toJson(ObjectMapper json) {
        ObjectNode root = json.createObjectNode();
        root.put("namespace", names.namespace());
        root.put("deployment", names.deploymentName());
        root.put("status", passed() ? (count(CheckStatus.WARN) == 0 ? "pass" : "warn") : "fail");
        ArrayNode checks = root.putArray("checks");
        for (CheckResult r : results) {
            ObjectNode node = checks.addObject();
            node.put("id", r.id());
            node.put("title", r.title());
            node.put("status", r.status().label());
            node.put("detail", r.detail());
            if (r.fix() != null) {
                node.put("fix", r.fix());
            }
        }
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the check report as JSON", e);
        }
    }

    /** Details quote certificate subjects and API messages, which may hold line breaks. */
    private static String oneLine(String text) {
        return text.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
