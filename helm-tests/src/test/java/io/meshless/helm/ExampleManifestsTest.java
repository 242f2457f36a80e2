package io.meshless.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * examples/k8s is what examples/kind/run.sh applies; CI cannot run a cluster, so its shape is
 * checked here: the opt-in by namespace label, the opt-out by annotation, and that the apps
 * are configured with no TLS material of their own.
 */
class ExampleManifestsTest {

    private static List<HasMetadata> objects;

    @BeforeAll
    static void parse() throws IOException {
        Path dir = Path.of(System.getProperty("meshless.chart.dir", "../helm/meshless"))
                .resolve("../../examples/k8s")
                .normalize();
        List<HasMetadata> parsed = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                parsed.addAll(Chart.Rendered.parse(Files.readString(file)).objects);
            }
        }
        objects = List.copyOf(parsed);
    }

    @Test
    void namespaceOptsInByLabel() {
        List<Namespace> namespaces = ofType(Namespace.class);
        assertThat(namespaces).singleElement().satisfies(ns -> assertThat(
                        ns.getMetadata().getLabels())
                .containsEntry("meshless.io/inject", "enabled"));
        String name = namespaces.get(0).getMetadata().getName();
        assertThat(objects)
                .filteredOn(o -> !(o instanceof Namespace))
                .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo(name));
    }

    @Test
    void exactlyTheOutsiderOptsOutByAnnotation() {
        Map<String, String> optOuts = ofType(Deployment.class).stream()
                .collect(Collectors.toMap(
                        d -> d.getMetadata().getName(),
                        d -> annotationsOf(d.getSpec().getTemplate()).getOrDefault("meshless.io/inject", "")));
        assertThat(optOuts)
                .containsEntry("outsider", "false")
                .containsEntry("hello", "")
                .containsEntry("jdk-client", "")
                .containsEntry("okhttp-client", "");
    }

    @Test
    void eachAppHasItsOwnServiceAccountSoItsOwnIdentity() {
        List<String> accounts = ofType(Deployment.class).stream()
                .map(d -> d.getSpec().getTemplate().getSpec().getServiceAccountName())
                .toList();
        assertThat(accounts)
                .doesNotContainNull()
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrder("hello", "jdk-client", "okhttp-client", "outsider");
        assertThat(objects)
                .filteredOn(o -> o.getKind().equals("ServiceAccount"))
                .extracting(o -> o.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(accounts);
    }

    @Test
    void appsCarryNoTlsConfigurationOfTheirOwn() {
        for (Deployment deployment : ofType(Deployment.class)) {
            var pod = deployment.getSpec().getTemplate().getSpec();
            assertThat(pod.getVolumes())
                    .as(deployment.getMetadata().getName())
                    .allSatisfy(v -> assertThat(v.getSecret()).isNull());
            pod.getContainers().forEach(c -> {
                assertThat(c.getEnv()).noneMatch(e -> e.getName().equals("JAVA_TOOL_OPTIONS"));
                assertThat(String.join(" ", c.getArgs()))
                        .doesNotContain("javax.net.ssl")
                        .doesNotContain("-javaagent");
            });
        }
    }

    @Test
    void clientsCallHelloThroughItsService() {
        Service hello = ofType(Service.class).stream()
                .filter(s -> s.getMetadata().getName().equals("hello"))
                .findFirst()
                .orElseThrow();
        String url = "https://hello." + hello.getMetadata().getNamespace() + ".svc.cluster.local:"
                + hello.getSpec().getPorts().get(0).getPort() + "/";
        assertThat(ofType(Deployment.class))
                .filteredOn(d -> !d.getMetadata().getName().equals("hello"))
                .allSatisfy(d -> assertThat(d.getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers()
                                .get(0)
                                .getEnv())
                        .anySatisfy(e -> {
                            assertThat(e.getName()).isEqualTo("TARGET_URL");
                            assertThat(e.getValue()).isEqualTo(url);
                        }));
    }

    @Test
    void appImagesCarryTheTagImagesBuildShAndTheChartUse() throws IOException {
        Path chartYaml = Path.of(System.getProperty("meshless.chart.dir", "../helm/meshless"))
                .resolve("Chart.yaml");
        String appVersion = Files.readAllLines(chartYaml).stream()
                .filter(l -> l.startsWith("appVersion:"))
                .map(l -> l.substring("appVersion:".length()).trim().replace("\"", ""))
                .findFirst()
                .orElseThrow();
        assertThat(ofType(Deployment.class))
                .allSatisfy(d -> assertThat(d.getSpec().getTemplate().getSpec().getContainers())
                        .allSatisfy(c -> assertThat(c.getImage())
                                .isEqualTo("ghcr.io/meshless/meshless-examples:" + appVersion)));
    }

    private static Map<String, String> annotationsOf(PodTemplateSpec template) {
        Map<String, String> annotations = template.getMetadata().getAnnotations();
        return annotations == null ? Map.of() : annotations;
    }

    private static <T> List<T> ofType(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
