package io.meshless.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** No value that does nothing: every key in values.yaml is read by a template, and documented. */
class ValuesUsageTest {

    private final Path chart = Path.of(System.getProperty("meshless.chart.dir", "../helm/meshless"));

    @Test
    void everyValueIsReadByATemplate() throws IOException {
        String templates;
        try (Stream<Path> files = Files.list(chart.resolve("templates"))) {
            templates = files.map(ValuesUsageTest::read).collect(Collectors.joining("\n"));
        }
        List<String> unused = new ArrayList<>();
        for (String key : leafKeys()) {
            if (!readByTemplates(key, templates)) {
                unused.add(key);
            }
        }
        assertThat(unused).as("values.yaml keys no template reads").isEmpty();
    }

    @Test
    void everyTopLevelValueIsInTheSchema() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> schema =
                new ObjectMapper().readValue(chart.resolve("values.schema.json").toFile(), Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = (Map<String, Object>) schema.get("properties");
        assertThat(properties).containsKeys(values().keySet().toArray(String[]::new));
        assertThat(schema).containsEntry("additionalProperties", false);
    }

    /** Read when ".Values.<key or a parent>" appears, not followed by a further path segment. */
    private static boolean readByTemplates(String key, String templates) {
        String[] parts = key.split("\\.");
        for (int i = parts.length; i >= 1; i--) {
            String prefix = String.join(".", List.of(parts).subList(0, i));
            if (Pattern.compile("\\.Values\\." + Pattern.quote(prefix) + "(?![A-Za-z0-9_.])")
                    .matcher(templates)
                    .find()) {
                return true;
            }
        }
        return false;
    }

    private List<String> leafKeys() throws IOException {
        List<String> keys = new ArrayList<>();
        collect("", values(), keys);
        return keys;
    }

    @SuppressWarnings("unchecked")
    private static void collect(String prefix, Map<String, Object> node, List<String> keys) {
        node.forEach((name, value) -> {
            String key = prefix.isEmpty() ? name : prefix + "." + name;
            if (value instanceof Map && !((Map<String, Object>) value).isEmpty()) {
                collect(key, (Map<String, Object>) value, keys);
            } else {
                keys.add(key);
            }
        });
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> values() throws IOException {
        return new ObjectMapper(new YAMLFactory())
                .readValue(chart.resolve("values.yaml").toFile(), Map.class);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
