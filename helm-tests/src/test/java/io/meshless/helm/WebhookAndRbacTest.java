package io.meshless.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class WebhookAndRbacTest {

    private static final List<String> ALWAYS_EXCLUDED =
            List.of("kube-system", "kube-public", "kube-node-lease", Chart.NAMESPACE);

    private final Chart chart = Chart.underTest();

    @Test
    void webhookSendsOnlyPodCreatesWithV1ReviewsAndNoSideEffectsOnDryRun() {
        for (Map<String, Object> values : ChartRenderTestValues.ALL) {
            for (MutatingWebhook webhook : webhooks(chart.render(values))) {
                assertThat(webhook.getAdmissionReviewVersions()).containsExactly("v1");
                assertThat(webhook.getSideEffects()).isEqualTo("NoneOnDryRun");
                assertThat(webhook.getTimeoutSeconds()).isBetween(1, 10);
                assertThat(webhook.getRules()).singleElement().satisfies(rule -> {
                    assertThat(rule.getOperations()).containsExactly("CREATE");
                    assertThat(rule.getResources()).containsExactly("pods");
                    assertThat(rule.getApiGroups()).containsExactly("");
                });
                assertThat(webhook.getClientConfig().getService().getPath()).isEqualTo("/mutate");
                assertThat(webhook.getClientConfig().getService().getNamespace())
                        .isEqualTo(Chart.NAMESPACE);
                assertThat(webhook.getClientConfig().getUrl()).isNull();
            }
        }
    }

    @Test
    void webhookNeverSeesSystemNamespacesOrItsOwn() {
        Chart.Rendered rendered = chart.render(
                Map.of("webhook.annotationOptIn.enabled", true, "webhook.excludeNamespaces[0]", "batch-jobs"));
        assertThat(webhooks(rendered)).hasSize(3).allSatisfy(webhook -> assertThat(
                        requirement(webhook.getNamespaceSelector(), "kubernetes.io/metadata.name"))
                .satisfies(r -> {
                    assertThat(r.getOperator()).isEqualTo("NotIn");
                    assertThat(r.getValues()).containsAll(ALWAYS_EXCLUDED).contains("batch-jobs");
                }));
    }

    @Test
    void defaultEntriesSelectTheNamespaceLabelAndThePodLabelAndFailClosed() {
        List<MutatingWebhook> webhooks = webhooks(chart.render());
        assertThat(webhooks)
                .extracting(MutatingWebhook::getName)
                .containsExactly("namespace.inject.meshless.io", "pod.inject.meshless.io");

        MutatingWebhook byNamespace = webhooks.get(0);
        assertThat(byNamespace.getFailurePolicy()).isEqualTo("Fail");
        assertThat(requirement(byNamespace.getNamespaceSelector(), "meshless.io/inject"))
                .satisfies(r -> {
                    assertThat(r.getOperator()).isEqualTo("In");
                    assertThat(r.getValues()).containsExactly("enabled");
                });
        assertThat(requirement(byNamespace.getObjectSelector(), "meshless.io/inject"))
                .satisfies(r -> {
                    assertThat(r.getOperator()).isEqualTo("NotIn");
                    assertThat(r.getValues()).containsExactly("false");
                });

        MutatingWebhook byPod = webhooks.get(1);
        assertThat(byPod.getFailurePolicy()).isEqualTo("Fail");
        assertThat(byPod.getObjectSelector().getMatchLabels()).containsExactly(Map.entry("meshless.io/inject", "true"));
        // No double call for a labelled pod in an opted-in namespace.
        assertThat(requirement(byPod.getNamespaceSelector(), "meshless.io/inject"))
                .satisfies(r -> {
                    assertThat(r.getOperator()).isEqualTo("NotIn");
                    assertThat(r.getValues()).containsExactly("enabled");
                });
    }

    @Test
    void failurePolicyIsConfigurable() {
        assertThat(webhooks(chart.render(Map.of("webhook.failurePolicy", "Ignore"))))
                .extracting(MutatingWebhook::getFailurePolicy)
                .containsOnly("Ignore");
    }

    @Test
    void annotationOptInEntryIgnoresFailuresWhateverTheGlobalPolicy() {
        List<MutatingWebhook> webhooks = webhooks(
                chart.render(Map.of("webhook.annotationOptIn.enabled", true, "webhook.failurePolicy", "Fail")));
        MutatingWebhook annotation = webhooks.stream()
                .filter(w -> w.getName().equals("annotation.inject.meshless.io"))
                .findFirst()
                .orElseThrow();
        assertThat(annotation.getFailurePolicy()).isEqualTo("Ignore");
        // Pods the two label entries already cover, or that opt out by label, are not sent again.
        assertThat(requirement(annotation.getObjectSelector(), "meshless.io/inject")
                        .getValues())
                .containsExactlyInAnyOrder("true", "false");
        assertThat(requirement(annotation.getNamespaceSelector(), "meshless.io/inject")
                        .getOperator())
                .isEqualTo("NotIn");
        assertThat(webhooks)
                .filteredOn(w -> !w.getName().startsWith("annotation"))
                .extracting(MutatingWebhook::getFailurePolicy)
                .containsOnly("Fail");
    }

    @Test
    void selfManagedModeRendersNoCertificateMaterial() {
        Chart.Rendered rendered = chart.render();
        assertThat(rendered.text)
                .doesNotContain("BEGIN CERTIFICATE")
                .doesNotContain("PRIVATE KEY")
                .doesNotContain("caBundle:")
                .doesNotContain("tls.key");
        assertThat(rendered.objects).extracting(o -> o.getKind()).doesNotContain("Secret");
        assertThat(webhooks(rendered))
                .allSatisfy(w -> assertThat(w.getClientConfig().getCaBundle()).isNull());
        assertThat(rendered.one(MutatingWebhookConfiguration.class)
                        .getMetadata()
                        .getAnnotations())
                .isNullOrEmpty();
    }

    @Test
    void userSecretModeMountsTheSecretAndPinsTheGivenCaBundle() {
        Chart.Rendered rendered = chart.render(ChartRenderTestValues.USER_SECRET);
        assertThat(webhooks(rendered))
                .allSatisfy(w -> assertThat(w.getClientConfig().getCaBundle()).isEqualTo("TUVTSExFU1MtVEVTVC1DQQ=="));
        var pod = rendered.one(Deployment.class).getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes())
                .filteredOn(v -> v.getSecret() != null)
                .singleElement()
                .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("my-webhook-tls"));
        assertThat(InjectorWorkloadTest.injectorContainer(rendered).getArgs())
                .contains(
                        "--tls-cert-file=/var/run/meshless/webhook-tls/tls.crt",
                        "--tls-key-file=/var/run/meshless/webhook-tls/tls.key");
        // The injector must not rewrite a caBundle the user owns: no permission to.
        assertThat(rendered.one(ClusterRole.class).getRules())
                .noneMatch(r -> r.getResources().contains("mutatingwebhookconfigurations"));
    }

    @Test
    void certManagerModeIssuesACertificateAndInjectsItsCa() {
        Chart.Rendered rendered = chart.render(ChartRenderTestValues.CERT_MANAGER);
        GenericKubernetesResource certificate =
                (GenericKubernetesResource) rendered.ofKind("Certificate").get(0);
        GenericKubernetesResource issuer =
                (GenericKubernetesResource) rendered.ofKind("Issuer").get(0);
        assertThat(certificate.getApiVersion()).isEqualTo("cert-manager.io/v1");
        String secretName = (String) certificate.get("spec", "secretName");
        assertThat(certificate.<List<String>>get("spec", "dnsNames")).contains("meshless-injector.meshless-system.svc");
        assertThat((String) certificate.get("spec", "issuerRef", "name"))
                .isEqualTo(issuer.getMetadata().getName());
        assertThat(rendered.one(MutatingWebhookConfiguration.class)
                        .getMetadata()
                        .getAnnotations())
                .containsEntry(
                        "cert-manager.io/inject-ca-from",
                        Chart.NAMESPACE + "/" + certificate.getMetadata().getName());
        assertThat(webhooks(rendered))
                .allSatisfy(w -> assertThat(w.getClientConfig().getCaBundle()).isNull());
        assertThat(rendered.one(Deployment.class)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getVolumes())
                .filteredOn(v -> v.getSecret() != null)
                .singleElement()
                .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo(secretName));
        assertThat(rendered.text).doesNotContain("BEGIN CERTIFICATE").doesNotContain("PRIVATE KEY");
    }

    @Test
    void certManagerModeUsesAGivenClusterIssuerInsteadOfCreatingOne() {
        Chart.Rendered rendered = chart.render(Map.of(
                "webhook.certificate.mode", "cert-manager",
                "webhook.certificate.certManager.issuerRef.name", "corp-ca",
                "webhook.certificate.certManager.issuerRef.kind", "ClusterIssuer"));
        assertThat(rendered.ofKind("Issuer")).isEmpty();
        GenericKubernetesResource certificate =
                (GenericKubernetesResource) rendered.ofKind("Certificate").get(0);
        assertThat((String) certificate.get("spec", "issuerRef", "name")).isEqualTo("corp-ca");
        assertThat((String) certificate.get("spec", "issuerRef", "kind")).isEqualTo("ClusterIssuer");
    }

    @Test
    void rbacHasNoWildcards() {
        for (Map<String, Object> values : ChartRenderTestValues.ALL) {
            Chart.Rendered rendered = chart.render(values);
            List<PolicyRule> rules = Stream.concat(
                            rendered.all(ClusterRole.class).stream().flatMap(r -> r.getRules().stream()),
                            rendered.all(Role.class).stream().flatMap(r -> r.getRules().stream()))
                    .toList();
            assertThat(rules).isNotEmpty().allSatisfy(rule -> {
                assertThat(rule.getVerbs()).doesNotContain("*").doesNotContain("escalate", "bind", "impersonate");
                assertThat(rule.getResources()).doesNotContain("*");
                assertThat(rule.getApiGroups()).doesNotContain("*");
            });
        }
    }

    @Test
    void injectorMayPatchOnlyItsOwnWebhookConfiguration() {
        Chart.Rendered rendered = chart.render();
        String ownName =
                rendered.one(MutatingWebhookConfiguration.class).getMetadata().getName();
        PolicyRule webhookRule = rendered.one(ClusterRole.class).getRules().stream()
                .filter(r -> r.getResources().contains("mutatingwebhookconfigurations"))
                .findFirst()
                .orElseThrow();
        assertThat(webhookRule.getResourceNames()).containsExactly(ownName);
        assertThat(webhookRule.getVerbs()).containsExactlyInAnyOrder("get", "update", "patch");
    }

    @Test
    void controllerPermissionsAreWhatItNeedsAndNoMore() {
        Chart.Rendered rendered = chart.render();
        List<PolicyRule> cluster = rendered.one(ClusterRole.class).getRules();
        assertThat(verbsOn(cluster, "secrets"))
                .containsExactlyInAnyOrder("get", "list", "watch", "create", "update", "patch");
        assertThat(verbsOn(cluster, "pods")).containsExactlyInAnyOrder("list", "watch");
        assertThat(verbsOn(cluster, "serviceaccounts")).containsExactlyInAnyOrder("get", "list", "watch");
        assertThat(verbsOn(cluster, "namespaces")).containsExactlyInAnyOrder("get", "list", "watch");
        // Events are deduplicated: a repeating problem patches its Event's count.
        assertThat(verbsOn(cluster, "events")).containsExactlyInAnyOrder("create", "patch");
        assertThat(cluster)
                .flatExtracting(PolicyRule::getResources)
                .containsOnly(
                        "secrets",
                        "pods",
                        "serviceaccounts",
                        "namespaces",
                        "configmaps",
                        "events",
                        "mutatingwebhookconfigurations");
        assertThat(cluster)
                .noneMatch(r -> r.getVerbs().contains("delete") || r.getVerbs().contains("deletecollection"));

        Role role = rendered.one(Role.class);
        assertThat(role.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
        assertThat(role.getRules())
                .filteredOn(r -> r.getVerbs().contains("update"))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.getResources()).containsExactly("leases");
                    assertThat(r.getResourceNames()).containsExactly("meshless-injector-controller");
                });
        // Its own pod, read for the UID of Events about the mesh CA; nothing else in its namespace.
        assertThat(role.getRules()).flatExtracting(PolicyRule::getResources).containsOnly("leases", "pods");
        assertThat(verbsOn(role.getRules(), "pods")).containsExactly("get");
    }

    @Test
    void trustBundleConfigMapIsTheOnlyConfigMapTheInjectorMayRead() {
        for (Map<String, Object> values : ChartRenderTestValues.ALL) {
            List<PolicyRule> rules = chart.render(values).one(ClusterRole.class).getRules();
            List<PolicyRule> configMaps = rules.stream()
                    .filter(r -> r.getResources().contains("configmaps"))
                    .toList();
            assertThat(configMaps).hasSize(2).allSatisfy(r -> assertThat(r.getApiGroups())
                    .containsExactly(""));
            // "create" cannot be limited by name (the object does not exist yet); nothing else is unlimited.
            assertThat(configMaps)
                    .filteredOn(r ->
                            r.getResourceNames() == null || r.getResourceNames().isEmpty())
                    .singleElement()
                    .satisfies(r -> assertThat(r.getVerbs()).containsExactly("create"));
            assertThat(configMaps)
                    .filteredOn(r -> r.getResourceNames() != null
                            && !r.getResourceNames().isEmpty())
                    .singleElement()
                    .satisfies(r -> {
                        assertThat(r.getResourceNames()).containsExactly("meshless-ca-bundle");
                        assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch", "update", "patch");
                    });
        }
    }

    @Test
    void trustBundleIsPublishedInOptedInNamespacesUnlessAllAreAskedFor() {
        assertThat(InjectorWorkloadTest.injectorContainer(chart.render()).getArgs())
                .contains("--trust-bundle-namespaces=opted-in")
                .noneMatch(a -> a.equals("--trust-bundle-namespaces=all"));
        assertThat(InjectorWorkloadTest.injectorContainer(chart.render(Map.of("trustBundle.allNamespaces", true)))
                        .getArgs())
                .contains("--trust-bundle-namespaces=all")
                .noneMatch(a -> a.equals("--trust-bundle-namespaces=opted-in"));
    }

    @Test
    void podCertificatesSourceMaySignOnlyItsOwnSignerAndReadThePodsItSignsFor() {
        assertThat(chart.render().one(ClusterRole.class).getRules())
                .noneMatch(r -> r.getApiGroups().contains("certificates.k8s.io"));

        Chart.Rendered rendered = chart.render(
                Map.of("identity.source", "podCertificates", "identity.podCertificates.maxExpirationSeconds", 7200));
        List<PolicyRule> cluster = rendered.one(ClusterRole.class).getRules();
        assertThat(verbsOn(cluster, "podcertificaterequests")).containsExactlyInAnyOrder("get", "list", "watch");
        assertThat(verbsOn(cluster, "podcertificaterequests/status")).containsExactly("update");
        assertThat(cluster)
                .filteredOn(r -> r.getResources().contains("signers"))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.getApiGroups()).containsExactly("certificates.k8s.io");
                    assertThat(r.getResourceNames()).containsExactly("meshless.io/workload");
                    assertThat(r.getVerbs()).containsExactly("sign");
                });
        assertThat(verbsOn(cluster, "pods")).containsExactlyInAnyOrder("get", "list", "watch");
        assertThat(verbsOn(cluster, "nodes")).containsExactly("get");
        assertThat(InjectorWorkloadTest.injectorContainer(rendered).getArgs())
                .contains(
                        "--identity-source=podCertificates",
                        "--pod-certificate-max-seconds=7200",
                        "--workload-key-type=ec-p256");
    }

    @Test
    void networkPolicyAndServiceMonitorAppearOnlyWhenEnabled() {
        assertThat(chart.render().ofKind("NetworkPolicy")).isEmpty();
        assertThat(chart.render().ofKind("ServiceMonitor")).isEmpty();

        Chart.Rendered rendered = chart.render(ChartRenderTestValues.EVERYTHING_ON);
        var policy = rendered.one(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class);
        assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                .isEqualTo(
                        rendered.one(Deployment.class).getSpec().getSelector().getMatchLabels());
        assertThat(policy.getSpec().getIngress()).singleElement().satisfies(i -> assertThat(i.getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getPort().getStrVal()).isEqualTo("https")));

        GenericKubernetesResource monitor =
                (GenericKubernetesResource) rendered.ofKind("ServiceMonitor").get(0);
        assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        List<Map<String, Object>> endpoints = monitor.get("spec", "endpoints");
        assertThat(endpoints).singleElement().satisfies(endpoint -> {
            assertThat(endpoint).containsEntry("path", "/metrics").containsEntry("scheme", "https");
            @SuppressWarnings("unchecked")
            Map<String, Object> tls = (Map<String, Object>) endpoint.get("tlsConfig");
            assertThat(tls).doesNotContainKey("insecureSkipVerify").containsKey("ca");
        });
    }

    private static List<MutatingWebhook> webhooks(Chart.Rendered rendered) {
        return rendered.one(MutatingWebhookConfiguration.class).getWebhooks();
    }

    private static LabelSelectorRequirement requirement(LabelSelector selector, String key) {
        return selector.getMatchExpressions().stream()
                .filter(r -> r.getKey().equals(key))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no requirement on " + key + " in " + selector));
    }

    private static List<String> verbsOn(List<PolicyRule> rules, String resource) {
        return rules.stream()
                .filter(r -> r.getResources().contains(resource))
                .flatMap(r -> r.getVerbs().stream())
                .toList();
    }
}
