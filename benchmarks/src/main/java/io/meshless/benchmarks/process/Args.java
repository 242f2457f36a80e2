package io.meshless.benchmarks.process;

import java.util.HashMap;
import java.util.Map;

/** `--key value` command-line options of the load tools; every option names its default. */
final class Args {
    private final Map<String, String> values = new HashMap<>();

    Args(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value, got '" + a + "'");
            }
            values.put(a.substring(2), args[++i]);
        }
    }

    String get(String key, String dflt) {
        return values.getOrDefault(key, dflt);
    }

    String required(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + key);
        }
        return v;
    }

    int intValue(String key, int dflt) {
        return Integer.parseInt(get(key, Integer.toString(dflt)));
    }

    double doubleValue(String key, double dflt) {
        return Double.parseDouble(get(key, Double.toString(dflt)));
    }
}
