package io.meshless.helm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The chart under test, driven through real Helm (helm-java embeds the Helm Go library, so
 * lint and template run exactly as {@code helm lint --strict} and {@code helm template} would).
 */
final class Chart {

    static final String RELEASE = "meshless";
    static final String NAMESPACE = "meshless-system";
    /** Helm's built-in default (1.20) is older than the chart's kubeVersion floor. */
    static final String KUBE_VERSION = "1.31.0";

    private final Path dir;

    private Chart(Path dir) {
        this.dir = dir;
    }

    static Chart underTest() {
        String configured = System.getProperty("meshless.chart.dir", "../helm/meshless");
        Path dir = Paths.get(configured).toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("Chart.yaml"))) {
            throw new IllegalStateException(dir + ": no Chart.yaml (system property meshless.chart.dir)");
        }
        return new Chart(dir);
    }

    /** Renders with the chart's defaults plus {@code --set key=value} for each entry. */
    Rendered render(Map<String, Object> sets) {
        TemplateCommand template = new Helm(dir)
                .template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        sets.forEach(template::set);
        return Rendered.parse(template.call());
    }

    /**
     * NOTES.txt as {@code helm install --dry-run} prints it (client only: no cluster, so
     * {@code .Capabilities.APIVersions} holds only the built-in APIs).
     */
    String notes(Map<String, Object> sets) {
        InstallCommand install = new Helm(dir)
                .install()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION)
                .dryRun()
                .clientOnly();
        sets.forEach(install::set);
        String output = install.call().getOutput();
        int notes = output.indexOf("NOTES:");
        if (notes < 0) {
            throw new AssertionError("no NOTES in helm install output:\n" + output);
        }
        return output.substring(notes);
    }

    Rendered render() {
        return render(Map.of());
    }

    /**
     * {@code helm lint --strict} with the given values merged over the defaults. helm-java's lint
     * takes no values, so the chart is copied and its values.yaml replaced by the merged values:
     * lint then checks the templates, NOTES.txt and the schema against exactly those values.
     */
    LintResult lintStrict(Map<String, Object> overrides) {
        if (overrides.isEmpty()) {
            return new Helm(dir).lint().strict().call();
        }
        Path copy = null;
        try {
            copy = Files.createTempDirectory("meshless-chart");
            Path chartCopy = copy.resolve("meshless");
            copyTree(dir, chartCopy);
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
            @SuppressWarnings("unchecked")
            Map<String, Object> values =
                    yaml.readValue(dir.resolve("values.yaml").toFile(), LinkedHashMap.class);
            overrides.forEach((key, value) -> put(values, key, value));
            yaml.writeValue(chartCopy.resolve("values.yaml").toFile(), values);
            return new Helm(chartCopy).lint().strict().call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(copy);
        }
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> values, String dottedKey, Object value) {
        String[] parts = dottedKey.split("\\.");
        Map<String, Object> node = values;
        for (int i = 0; i < parts.length - 1; i++) {
            node = (Map<String, Object>) node.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
        }
        node.put(parts[parts.length - 1], value);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    private static void deleteTree(Path root) {
        if (root == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Output of one {@code helm template}: the raw text and every document as a typed object. */
    static final class Rendered {
        final String text;
        final List<HasMetadata> objects;

        private Rendered(String text, List<HasMetadata> objects) {
            this.text = text;
            this.objects = List.copyOf(objects);
        }

        static Rendered parse(String text) {
            List<HasMetadata> objects = new ArrayList<>();
            for (String document : text.split("(?m)^---\\s*$")) {
                boolean onlyComments =
                        document.lines().map(String::strip).allMatch(line -> line.isEmpty() || line.startsWith("#"));
                if (onlyComments) {
                    continue;
                }
                Object parsed = Serialization.unmarshal(document);
                if (!(parsed instanceof HasMetadata)) {
                    throw new AssertionError("rendered document is not a Kubernetes object:\n" + document);
                }
                objects.add((HasMetadata) parsed);
            }
            return new Rendered(text, objects);
        }

        <T extends HasMetadata> List<T> all(Class<T> type) {
            return objects.stream().filter(type::isInstance).map(type::cast).toList();
        }

        <T extends HasMetadata> T one(Class<T> type) {
            List<T> found = all(type);
            if (found.size() != 1) {
                throw new AssertionError("expected one " + type.getSimpleName() + ", rendered " + found.size());
            }
            return found.get(0);
        }

        List<HasMetadata> ofKind(String kind) {
            return objects.stream().filter(o -> kind.equals(o.getKind())).toList();
        }
    }
}
