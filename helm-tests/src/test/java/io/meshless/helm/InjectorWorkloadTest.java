package io.meshless.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InjectorWorkloadTest {

    private final Chart chart = Chart.underTest();

    @Test
    void everyRenderedObjectCarriesTheStandardLabels() {
        for (Map<String, Object> values : ChartRenderTestValues.ALL) {
            Chart.Rendered rendered = chart.render(values);
            assertThat(rendered.objects).isNotEmpty();
            for (HasMetadata object : rendered.objects) {
                assertThat(object.getMetadata().getLabels())
                        .as(
                                "%s %s with %s",
                                object.getKind(), object.getMetadata().getName(), values)
                        .containsEntry("app.kubernetes.io/name", "meshless")
                        .containsEntry("app.kubernetes.io/instance", Chart.RELEASE)
                        .containsEntry("app.kubernetes.io/managed-by", "Helm")
                        .containsEntry("app.kubernetes.io/part-of", "meshless")
                        .containsKeys("app.kubernetes.io/version", "app.kubernetes.io/component", "helm.sh/chart");
            }
        }
    }

    @Test
    void namespacedObjectsLandInTheReleaseNamespace() {
        Chart.Rendered rendered = chart.render(ChartRenderTestValues.EVERYTHING_ON);
        for (HasMetadata object : rendered.objects) {
            boolean clusterScoped =
                    object.getKind().startsWith("Cluster") || object.getKind().equals("MutatingWebhookConfiguration");
            assertThat(object.getMetadata().getNamespace())
                    .as("%s %s", object.getKind(), object.getMetadata().getName())
                    .isEqualTo(clusterScoped ? null : Chart.NAMESPACE);
        }
    }

    @Test
    void injectorRunsTwoReplicasSpreadOverNodes() {
        Deployment deployment = chart.render().one(Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(deployment
                        .getSpec()
                        .getStrategy()
                        .getRollingUpdate()
                        .getMaxUnavailable()
                        .getIntVal())
                .isZero();
        var antiAffinity =
                deployment.getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity();
        assertThat(antiAffinity.getPreferredDuringSchedulingIgnoredDuringExecution())
                .singleElement()
                .satisfies(term -> {
                    assertThat(term.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                    assertThat(term.getPodAffinityTerm().getLabelSelector().getMatchLabels())
                            .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
                });
    }

    @Test
    void hardAntiAffinityIsRequiredScheduling() {
        Deployment deployment = chart.render(Map.of("podAntiAffinity", "hard")).one(Deployment.class);
        var antiAffinity =
                deployment.getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity();
        assertThat(antiAffinity.getRequiredDuringSchedulingIgnoredDuringExecution())
                .hasSize(1);
        assertThat(antiAffinity.getPreferredDuringSchedulingIgnoredDuringExecution())
                .isEmpty();
    }

    @Test
    void disruptionBudgetSelectsTheInjectorPods() {
        Chart.Rendered rendered = chart.render();
        PodDisruptionBudget pdb = rendered.one(PodDisruptionBudget.class);
        Deployment deployment = rendered.one(Deployment.class);
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(pdb.getSpec().getSelector().getMatchLabels())
                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void probesHitReadyzAndHealthzOverHttps() {
        Container injector = injectorContainer(chart.render());
        assertThat(injector.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(injector.getReadinessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
        assertThat(injector.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(injector.getLivenessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
        assertThat(injector.getReadinessProbe().getHttpGet().getPort().getStrVal())
                .isEqualTo("https");
        assertThat(injector.getPorts()).singleElement().satisfies(p -> assertThat(p.getContainerPort())
                .isEqualTo(8443));
    }

    @Test
    void injectorHasResourceRequestsAndAMemoryLimit() {
        Container injector = injectorContainer(chart.render());
        assertThat(injector.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(injector.getResources().getLimits()).containsKey("memory");
    }

    @Test
    void jvmIsSizedForItsContainerAsTheImageIs() throws Exception {
        Container injector = injectorContainer(chart.render());
        String javaOptions = injector.getEnv().stream()
                .filter(e -> "JDK_JAVA_OPTIONS".equals(e.getName()))
                .findFirst()
                .orElseThrow()
                .getValue();
        assertThat(javaOptions)
                .contains("-XX:MaxRAMPercentage=50.0")
                .contains("-XX:+UseSerialGC")
                .contains("-XX:+ExitOnOutOfMemoryError");
        assertThat(injector.getResources().getLimits().get("memory").toString()).isEqualTo("256Mi");
        assertThat(injector.getResources().getRequests().get("memory").toString())
                .isEqualTo("160Mi");
        // The image alone (docker run) starts with the same JVM options as the chart.
        String dockerfile = Files.readString(Paths.get("../images/injector/Dockerfile"));
        assertThat(dockerfile).contains("ENV JDK_JAVA_OPTIONS=\"" + javaOptions + "\"");
    }

    @Test
    void injectorRunsHardened() {
        Chart.Rendered rendered = chart.render();
        PodSpec pod = rendered.one(Deployment.class).getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        SecurityContext container = injectorContainer(rendered).getSecurityContext();
        assertThat(container.getRunAsNonRoot()).isTrue();
        assertThat(container.getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getPrivileged()).isFalse();
        assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getCapabilities().getAdd()).isEmpty();
        assertThat(container.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    }

    @Test
    void injectorServesAndRunsTheControllerByDefault() {
        Chart.Rendered rendered = chart.render();
        Container injector = injectorContainer(rendered);
        assertThat(injector.getArgs()).startsWith("serve").doesNotContain("--webhook-only");
        assertThat(injector.getArgs()).noneMatch(a -> a.startsWith("--tls-cert-file"));
        assertThat(injector.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("POD_NAMESPACE");
            assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
        });
        // Self-managed serving certificate: written by the injector to a writable emptyDir.
        assertThat(injector.getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/var/run/meshless/webhook-certs"));
        assertThat(rendered.one(Deployment.class)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getVolumes())
                .noneMatch(v -> v.getSecret() != null);
    }

    @Test
    void serviceAndServiceAccountBelongToTheInjector() {
        Chart.Rendered rendered = chart.render();
        Deployment deployment = rendered.one(Deployment.class);
        Service service = rendered.one(Service.class);
        ServiceAccount account = rendered.one(ServiceAccount.class);
        assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo(account.getMetadata().getName());
        assertThat(service.getSpec().getSelector())
                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPort()).isEqualTo(443);
            assertThat(p.getTargetPort().getStrVal()).isEqualTo("https");
        });
    }

    static Container injectorContainer(Chart.Rendered rendered) {
        return rendered.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("injector"))
                .findFirst()
                .orElseThrow();
    }
}
