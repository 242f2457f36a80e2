package io.meshless.injector.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The names {@code check} looks for: the chart's rules for a release, then the Deployment's own flags. */
class CheckInjectorNamesTest {

    @Test
    void releaseNamedAfterTheChartIsTheFullName() {
        assertThat(InjectorNames.forRelease("meshless-system", "meshless"))
                .isEqualTo(new InjectorNames(
                        "meshless-system",
                        "meshless-injector",
                        "meshless-injector",
                        "meshless-injector",
                        "meshless-ca",
                        null));
        assertThat(InjectorNames.forRelease("ns", "prod-meshless").deploymentName())
                .isEqualTo("prod-meshless-injector");
    }

    @Test
    void otherReleasesGetTheChartNameAppended() {
        InjectorNames names = InjectorNames.forRelease("mesh", "edge");

        assertThat(names.deploymentName()).isEqualTo("edge-meshless-injector");
        assertThat(names.caSecretName()).isEqualTo("edge-meshless-ca");
        assertThat(names.selfManagedServingCertificate()).isTrue();
    }

    @Test
    void longNamesAreCutToOneDnsLabelAsHelmDoes() {
        String release = "a".repeat(60);

        InjectorNames names = InjectorNames.forRelease("ns", release);

        // fullname: 60 a's + "-meshless" cut to 63 = 60 a's + "-me"; then "-injector" cut to 63 and one "-" trimmed.
        assertThat(names.caSecretName()).isEqualTo("a".repeat(60) + "-me-ca");
        assertThat(names.deploymentName()).isEqualTo("a".repeat(60) + "-me");
        // A cut that ends in "-" loses that one dash, as trimSuffix does: one, not all.
        assertThat(InjectorNames.forRelease("ns", "a".repeat(62)).caSecretName())
                .isEqualTo("a".repeat(62) + "-ca");
        assertThat(InjectorNames.forRelease("ns", "a".repeat(61) + "-").caSecretName())
                .isEqualTo("a".repeat(61) + "--ca");
    }

    private static Deployment deployment(List<String> args, String volume, boolean secret) {
        DeploymentBuilder b = new DeploymentBuilder()
                .withNewMetadata()
                .withName("meshless-injector")
                .endMetadata()
                .withNewSpec()
                .withNewTemplate()
                .withNewSpec()
                .addNewContainer()
                .withName("sidecar")
                .withArgs("--ca-secret-name=not-this-one")
                .endContainer()
                .addNewContainer()
                .withName("injector")
                .withArgs(args)
                .addNewVolumeMount()
                .withName(volume)
                .withMountPath("/var/run/meshless/webhook-tls/")
                .endVolumeMount()
                .endContainer()
                .addNewVolume()
                .withName(volume)
                .endVolume()
                .endSpec()
                .endTemplate()
                .endSpec();
        Deployment d = b.build();
        if (secret) {
            d.getSpec()
                    .getTemplate()
                    .getSpec()
                    .getVolumes()
                    .get(0)
                    .setSecret(new io.fabric8.kubernetes.api.model.SecretVolumeSourceBuilder()
                            .withSecretName("my-webhook-tls")
                            .build());
        }
        return d;
    }

    @Test
    void deploymentFlagsOverrideTheChartNamesInBothSpellings() {
        InjectorNames names = InjectorNames.forRelease("mesh", "meshless")
                .followingDeployment(deployment(
                        List.of(
                                "serve",
                                "--ca-secret-name",
                                "team-ca",
                                "--webhook-config-name=team-webhook",
                                "--service-name=team-svc",
                                "--tls-cert-file=/var/run/meshless/webhook-tls/tls.crt"),
                        "webhook-tls",
                        true));

        assertThat(names)
                .isEqualTo(new InjectorNames(
                        "mesh", "meshless-injector", "team-svc", "team-webhook", "team-ca", "my-webhook-tls"));
        assertThat(names.selfManagedServingCertificate()).isFalse();
    }

    @Test
    void certificateFileOutsideASecretVolumeStaysSelfManaged() {
        InjectorNames chart = InjectorNames.forRelease("mesh", "meshless");

        assertThat(chart.followingDeployment(deployment(
                        List.of("serve", "--tls-cert-file=/var/run/meshless/webhook-tls/tls.crt"), "tls", false)))
                .isEqualTo(chart);
        assertThat(chart.followingDeployment(deployment(List.of("serve"), "webhook-tls", true)))
                .isEqualTo(chart);
        assertThat(chart.followingDeployment(null)).isEqualTo(chart);
    }
}
