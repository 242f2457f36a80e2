package io.meshless.cli;

import io.meshless.agent.observe.UncoveredContexts;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code meshless status --pid PID} and {@code --all}: what a running agent loaded and is doing, from its
 * MBean ({@link RunningAgents}), formatted like {@code inspect}.
 */
final class RunningStatus {
    private RunningStatus() {}

    /** One JVM; fails (exit 1) when it cannot be read or runs no agent. */
    static void ofPid(String pid, boolean json, PrintStream out) throws CommandFailedException {
        if (!pid.chars().allMatch(Character::isDigit) || pid.isEmpty()) {
            throw new CommandFailedException("--pid " + pid + " is not a process id");
        }
        Optional<Map<String, Object>> agent = RunningAgents.read(pid);
        if (!agent.isPresent()) {
            throw new CommandFailedException("JVM " + pid + " runs no Meshless agent (no io.meshless:type=Agent MBean;"
                    + " an agent registers it at the JVM's first TLS use)");
        }
        if (json) {
            out.print(Json.object().put("pid", pid).put("agent", jsonValues(agent.get())) + "\n");
        } else {
            StringBuilder b = new StringBuilder("Agent in JVM ").append(pid).append('\n');
            CertificateFacts.print(b, rows(agent.get()));
            out.print(b);
        }
    }

    /** Every local JVM running an agent; JVMs that cannot be attached to are named with the reason. */
    static void all(boolean json, PrintStream out) {
        List<Object> found = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        int agents = 0;
        for (RunningAgents.LocalJvm jvm : RunningAgents.list()) {
            Json entry = Json.object().put("pid", jvm.pid()).put("name", jvm.displayName());
            try {
                Optional<Map<String, Object>> agent = RunningAgents.read(jvm.pid());
                if (!agent.isPresent()) {
                    continue;
                }
                agents++;
                entry.put("agent", jsonValues(agent.get()));
                b.append("Agent in JVM ")
                        .append(jvm.pid())
                        .append(" (")
                        .append(jvm.displayName())
                        .append(")\n");
                CertificateFacts.print(b, rows(agent.get()));
                b.append('\n');
            } catch (CommandFailedException e) {
                entry.put("problem", e.getMessage());
                b.append("JVM ")
                        .append(jvm.pid())
                        .append(": ")
                        .append(e.getMessage())
                        .append("\n\n");
            }
            found.add(entry);
        }
        if (json) {
            out.print(Json.object().put("jvms", found) + "\n");
        } else {
            out.print(agents == 0 ? b + "no local JVM runs a Meshless agent\n" : b.toString());
        }
    }

    private static Map<String, Object> jsonValues(Map<String, Object> attributes) {
        Map<String, Object> values = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Object> e : attributes.entrySet()) {
            Object v = e.getValue();
            values.put(lowerFirst(e.getKey()), v instanceof String[] ? Arrays.asList((String[]) v) : v);
        }
        return values;
    }

    private static String lowerFirst(String name) {
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }

    static List<String[]> rows(Map<String, Object> a) {
        List<String[]> rows = new ArrayList<>();
        String identity = text(a, "Identity");
        if (identity.isEmpty()) {
            rows.add(new String[] {"identity", "(no workload credentials loaded: TLS handshakes fail closed)"});
        } else {
            rows.add(new String[] {"identity", identity});
            rows.add(new String[] {"serial", text(a, "Serial")});
            rows.add(new String[] {
                "valid until", text(a, "NotAfter") + " (" + timeLeft(number(a, "SecondsToExpiry")) + ")"
            });
        }
        rows.add(new String[] {"cert dir", text(a, "CertDir")});
        rows.add(new String[] {"mode", text(a, "Mode")});
        rows.add(new String[] {"allowed peers", text(a, "AllowedPeers")});
        long rotations = number(a, "Rotations");
        rows.add(new String[] {"rotations", rotations == 0 ? "0" : rotations + " (last " + text(a, "LastRotation") + ")"
        });
        String refusedSet = text(a, "LastRefusedSet");
        rows.add(new String[] {
            "last refused set", refusedSet.isEmpty() ? "none" : refusedSet + " (" + text(a, "LastRefusedSetTime") + ")"
        });
        rows.add(new String[] {
            "handshakes",
            number(a, "InboundHandshakesAccepted") + " inbound and " + number(a, "OutboundHandshakesAccepted")
                    + " outbound peers accepted"
        });
        rows.add(new String[] {"refusals", refusals(a)});
        Object uncovered = a.get("UncoveredContexts");
        String[] sites = uncovered instanceof String[] ? (String[]) uncovered : new String[0];
        if (sites.length == 0) {
            rows.add(new String[] {"own contexts", "none: every SSLContext uses the mesh identity"});
        }
        for (String site : sites) {
            rows.add(new String[] {"not in the mesh", site + " (" + UncoveredContexts.NOT_IN_MESH + ")"});
        }
        return rows;
    }

    private static String refusals(Map<String, Object> a) {
        long total = number(a, "RefusalsTotal");
        if (total == 0) {
            return "0";
        }
        List<String> parts = new ArrayList<>();
        for (String[] reason : new String[][] {
            {"RefusalsNoCertificate", "no certificate"},
            {"RefusalsUntrustedIssuer", "untrusted issuer"},
            {"RefusalsExpired", "expired"},
            {"RefusalsNotYetValid", "not yet valid"},
            {"RefusalsNotInAllowedPeers", "not in allowed-peers"},
            {"RefusalsHostNameMismatch", "host name mismatch"},
            {"RefusalsNoCredentials", "no workload credentials loaded"}
        }) {
            long n = number(a, reason[0]);
            if (n > 0) {
                parts.add(reason[1] + " " + n);
            }
        }
        String audit = "audit".equals(a.get("Mode")) ? " (admitted: mode=audit; strict would refuse them)" : "";
        return total + ": " + String.join(", ", parts) + audit;
    }

    private static String timeLeft(long seconds) {
        if (seconds < 0) {
            return "expired";
        }
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3600;
        long minutes = seconds % 3600 / 60;
        return days > 0
                ? days + "d " + hours + "h left"
                : hours > 0 ? hours + "h " + minutes + "m left" : minutes + "m left";
    }

    private static String text(Map<String, Object> a, String name) {
        Object v = a.get(name);
        return v == null ? "" : v.toString();
    }

    private static long number(Map<String, Object> a, String name) {
        Object v = a.get(name);
        return v instanceof Number ? ((Number) v).longValue() : 0;
    }
}
