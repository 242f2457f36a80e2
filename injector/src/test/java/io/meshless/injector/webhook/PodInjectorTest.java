package io.meshless.injector.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodInjectorTest {
    private final ObjectMapper json = KubernetesJson.newMapper();
    private final PodInjector injector = new PodInjector(InjectionSettings.defaults(), json);

    private static PodBuilder pod() {
        return new PodBuilder()
                .withNewMetadata()
                .withName("orders-1")
                .withNamespace("shop")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("example/orders:1")
                .endContainer()
                .endSpec();
    }

    private static Pod optedIn(String... annotations) {
        PodBuilder builder = pod();
        builder.editMetadata().addToAnnotations("meshless.io/inject", "true").endMetadata();
        for (int i = 0; i < annotations.length; i += 2) {
            builder.editMetadata()
                    .addToAnnotations(annotations[i], annotations[i + 1])
                    .endMetadata();
        }
        return builder.build();
    }

    @Test
    void namespaceLabelOptsInAndPodFalseOptsOut() throws Exception {
        Map<String, String> enabled = Map.of("meshless.io/inject", "enabled");
        Pod plain = pod().build();
        Pod optedOut = pod().editMetadata()
                .addToAnnotations("meshless.io/inject", "false")
                .endMetadata()
                .build();

        assertThat(injector.inject(plain, "shop", enabled).outcome()).isEqualTo(Injection.Outcome.INJECTED);
        assertThat(injector.inject(optedOut, "shop", enabled).outcome()).isEqualTo(Injection.Outcome.NOT_OPTED_IN);
        assertThat(injector.inject(plain, "shop", Map.of()).outcome()).isEqualTo(Injection.Outcome.NOT_OPTED_IN);
    }

    @Test
    void podLabelOptsIn() throws Exception {
        Pod labelled = pod().editMetadata()
                .addToLabels("meshless.io/inject", "true")
                .endMetadata()
                .build();

        assertThat(injector.inject(labelled, "shop", Map.of()).outcome()).isEqualTo(Injection.Outcome.INJECTED);
    }

    @Test
    void neverModifiesTheInputPod() throws Exception {
        Pod input = optedIn("meshless.io/mode", "off");
        JsonNode before = json.valueToTree(input);

        injector.inject(input, "shop", Map.of());

        assertThat((Object) json.valueToTree(input)).isEqualTo(before);
    }

    @Test
    void deniesBadValuesNamingTheAnnotation() {
        assertDenied(optedIn("meshless.io/trust-system-cas", "maybe"), "meshless.io/trust-system-cas", "\"maybe\"");
        assertDenied(optedIn("meshless.io/cert-dir", "relative/certs"), "meshless.io/cert-dir", "absolute");
        assertDenied(optedIn("meshless.io/cert-dir", "/var/../etc"), "meshless.io/cert-dir", "'..'");
        assertDenied(optedIn("meshless.io/cert-dir", "/certs -Dfoo=bar"), "meshless.io/cert-dir", "whitespace");
        assertDenied(optedIn("meshless.io/cert-dir", "/cer\u0007ts"), "meshless.io/cert-dir", "\\u0007");
        assertDenied(optedIn("meshless.io/agent", "yes"), "meshless.io/agent", "\"yes\"");
        assertDenied(
                optedIn("meshless.io/allowed-peers", "http://not-spiffe"), "meshless.io/allowed-peers", "not-spiffe");
        assertDenied(optedIn("meshless.io/containers", " , "), "meshless.io/containers", "names no container");
        assertDenied(
                pod().editMetadata()
                        .addToAnnotations("meshless.io/inject", "yes")
                        .endMetadata()
                        .build(),
                "meshless.io/inject",
                "\"yes\"");
    }

    @Test
    void customCertDirMovesTheMountAndTellsTheAgent() throws Exception {
        Injection injection = injector.inject(optedIn("meshless.io/cert-dir", "/etc/mtls"), "shop", Map.of());

        Container app = injection.pod().getSpec().getContainers().get(0);
        assertThat(app.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("meshless-certs");
            assertThat(m.getMountPath()).isEqualTo("/etc/mtls");
        });
        assertThat(app.getEnv()).contains(new EnvVar("MESHLESS_CERT_DIR", "/etc/mtls", null));
    }

    @Test
    void containerOwnMeshlessEnvWinsWithAWarning() throws Exception {
        Pod input = optedIn("meshless.io/mode", "strict");
        input.getSpec()
                .getContainers()
                .get(0)
                .setEnv(new java.util.ArrayList<>(java.util.List.of(new EnvVar("MESHLESS_MODE", "off", null))));

        Injection injection = injector.inject(input, "shop", Map.of());

        assertThat(injection.pod().getSpec().getContainers().get(0).getEnv())
                .filteredOn(e -> e.getName().equals("MESHLESS_MODE"))
                .containsExactly(new EnvVar("MESHLESS_MODE", "off", null));
        assertThat(injection.warnings())
                .anySatisfy(w -> assertThat(w).contains("MESHLESS_MODE").contains("meshless.io/mode"));
    }

    @Test
    void auditModeAnnotationIsInjected() throws Exception {
        Injection injection = injector.inject(optedIn("meshless.io/mode", "Audit"), "shop", Map.of());

        assertThat(injection.pod().getSpec().getContainers().get(0).getEnv())
                .contains(new EnvVar("MESHLESS_MODE", "audit", null));
        assertDenied(optedIn("meshless.io/mode", "auditing"), "meshless.io/mode", "strict, permissive, audit, off");
    }

    @Test
    void theDefaultModeAppliesToPodsWithoutAModeAnnotation() throws Exception {
        PodInjector auditing = new PodInjector(InjectionSettings.defaults().withDefaultMode("audit"), json);

        assertThat(auditing.inject(optedIn(), "shop", Map.of())
                        .pod()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getEnv())
                .contains(new EnvVar("MESHLESS_MODE", "audit", null));
        assertThat(auditing.inject(optedIn("meshless.io/mode", "strict"), "shop", Map.of())
                        .pod()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getEnv())
                .as("the pod's annotation wins")
                .contains(new EnvVar("MESHLESS_MODE", "strict", null))
                .doesNotContain(new EnvVar("MESHLESS_MODE", "audit", null));
        assertThat(injector.inject(optedIn(), "shop", Map.of())
                        .pod()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getEnv())
                .as("no default: the agent's own")
                .noneMatch(e -> e.getName().equals("MESHLESS_MODE"));
        assertThatThrownBy(() -> InjectionSettings.defaults().withDefaultMode("off"))
                .hasMessageContaining("strict, permissive, audit");
    }

    @Test
    void unknownMeshlessAnnotationIsAWarning() throws Exception {
        Injection injection = injector.inject(optedIn("meshless.io/mdoe", "off"), "shop", Map.of());

        assertThat(injection.outcome()).isEqualTo(Injection.Outcome.INJECTED);
        assertThat(injection.warnings())
                .anySatisfy(w -> assertThat(w).contains("meshless.io/mdoe").contains("ignored"));
    }

    @Test
    void refusesPodThatAlreadyUsesOurVolumeOrMountPath() {
        Pod volume = optedIn();
        volume.getSpec()
                .setVolumes(java.util.List.of(new io.fabric8.kubernetes.api.model.VolumeBuilder()
                        .withName("meshless-certs")
                        .withNewEmptyDir()
                        .endEmptyDir()
                        .build()));
        Pod mount = optedIn();
        mount.getSpec()
                .getContainers()
                .get(0)
                .setVolumeMounts(java.util.List.of(new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
                        .withName("mine")
                        .withMountPath("/var/run/meshless/certs")
                        .build()));

        assertDenied(volume, "spec.volumes", "meshless-certs");
        assertDenied(mount, "container app", "/var/run/meshless/certs");
    }

    @Test
    void patchEscapesSlashInAnnotationKeys() throws Exception {
        Pod input = optedIn();
        Injection injection = injector.inject(input, "shop", Map.of());

        JsonNode patch = PodPatch.diff(json, input, injection.pod());

        assertThat(patch.toString()).contains("\"/metadata/annotations/meshless.io~1status\"");
        assertThat(patch.findValuesAsText("op")).doesNotContain("move", "copy", "remove");
    }

    @Test
    void patchAddsTheInjectedLabelMapWhenThePodHasNoLabels() throws Exception {
        Pod input = optedIn();
        assertThat(input.getMetadata().getLabels()).isNullOrEmpty();

        JsonNode patch = PodPatch.diff(
                json, input, injector.inject(input, "shop", Map.of()).pod());

        assertThat(opsOn(patch, "/metadata/labels"))
                .containsExactly(
                        json.readTree(
                                "{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"meshless.io/injected\":\"true\"}}"));
    }

    @Test
    void patchAddsTheEscapedLabelKeyAndKeepsTheOtherLabels() throws Exception {
        Pod input = pod().editMetadata()
                .addToLabels("app", "orders")
                .addToLabels("meshless.io/inject", "true")
                .endMetadata()
                .build();

        JsonNode patch = PodPatch.diff(
                json, input, injector.inject(input, "shop", Map.of()).pod());

        assertThat(opsOn(patch, "/metadata/labels"))
                .containsExactly(json.readTree(
                        "{\"op\":\"add\",\"path\":\"/metadata/labels/meshless.io~1injected\",\"value\":\"true\"}"));
    }

    @Test
    void reinjectingTheInjectedPodChangesNothing() throws Exception {
        Pod injected = injector.inject(optedIn(), "shop", Map.of()).pod();

        Injection again = injector.inject(injected, "shop", Map.of());

        assertThat(again.outcome()).isEqualTo(Injection.Outcome.ALREADY_INJECTED);
        assertThat(PodPatch.diff(json, injected, again.pod())).isEmpty();
    }

    /** The operations of a patch whose path is the given one or below it. */
    private static java.util.List<JsonNode> opsOn(JsonNode patch, String path) {
        java.util.List<JsonNode> ops = new java.util.ArrayList<>();
        for (JsonNode op : patch) {
            String p = op.get("path").asText();
            if (p.equals(path) || p.startsWith(path + "/")) {
                ops.add(op);
            }
        }
        return ops;
    }

    @Test
    void secretNameFollowsTheServiceAccount() throws Exception {
        Pod withSa = optedIn();
        withSa.getSpec().setServiceAccountName("billing");

        assertThat(injector.inject(withSa, "shop", Map.of()).serviceAccount()).isEqualTo("billing");
        assertThat(injector.inject(optedIn(), "shop", Map.of()).serviceAccount())
                .isEqualTo("default");
        assertThat(injector.inject(withSa, "shop", Map.of()).pod().getSpec().getVolumes())
                .anySatisfy(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("meshless-billing"));
    }

    @Test
    void javaToolOptionsFromAFieldIsKeptAndExtended() throws Exception {
        Pod pod = optedIn();
        pod.getSpec()
                .getContainers()
                .get(0)
                .setEnv(List.of(
                        new EnvVar("A", "1", null),
                        new EnvVarBuilder()
                                .withName("JAVA_TOOL_OPTIONS")
                                .withNewValueFrom()
                                .withNewFieldRef()
                                .withFieldPath("metadata.annotations['jvm']")
                                .endFieldRef()
                                .endValueFrom()
                                .build(),
                        new EnvVar("B", "2", null)));

        Container app = injector.inject(pod, "shop", Map.of())
                .pod()
                .getSpec()
                .getContainers()
                .get(0);

        assertThat(app.getEnv().subList(0, 4))
                .extracting(EnvVar::getName)
                .containsExactly("A", "MESHLESS_APP_JAVA_TOOL_OPTIONS", "JAVA_TOOL_OPTIONS", "B");
        assertThat(app.getEnv().get(1).getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("metadata.annotations['jvm']");
        assertThat(app.getEnv().get(2).getValue())
                .isEqualTo("$(MESHLESS_APP_JAVA_TOOL_OPTIONS) -javaagent:/var/run/meshless/agent/meshless-agent.jar");
    }

    @Test
    void deniesAContainerThatAlreadyUsesTheNameForTheKeptOptions() {
        Pod pod = optedIn();
        pod.getSpec()
                .getContainers()
                .get(0)
                .setEnv(List.of(
                        new EnvVar("MESHLESS_APP_JAVA_TOOL_OPTIONS", "x", null),
                        new EnvVarBuilder()
                                .withName("JAVA_TOOL_OPTIONS")
                                .withNewValueFrom()
                                .withNewSecretKeyRef("options", "jvm", false)
                                .endValueFrom()
                                .build()));

        assertDenied(pod, "container app", "already sets MESHLESS_APP_JAVA_TOOL_OPTIONS");
    }

    private void assertDenied(Pod pod, String... fragments) {
        assertThatThrownBy(() -> injector.inject(pod, "shop", Map.of()))
                .isInstanceOf(InjectionDenied.class)
                .satisfies(e -> {
                    for (String fragment : fragments) {
                        assertThat(e.getMessage()).contains(fragment);
                    }
                });
    }
}
