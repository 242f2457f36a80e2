package io.meshless.injector.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ConfigMapProjectionBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCertificateProjection;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ProjectedVolumeSource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecretVolumeSource;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.meshless.injector.controller.MeshlessMetadata;
import io.meshless.pki.PeerPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The mutation: decides whether a pod opts in and returns an injected copy. Pure: no I/O, no
 * Kubernetes API, the input pod is never modified; the JSON Patch is the diff input → output
 * ({@link PodPatch}). Either the whole injection applies or {@link InjectionDenied} is thrown.
 */
public final class PodInjector {
    public static final String CERTS_VOLUME = "meshless-certs";
    public static final String AGENT_VOLUME = "meshless-agent";
    public static final String INIT_CONTAINER = "meshless-agent-init";
    public static final String JAVA_TOOL_OPTIONS = "JAVA_TOOL_OPTIONS";
    public static final String JAVAAGENT_FLAG = "-javaagent:" + PodLayout.AGENT_JAR;
    /**
     * Where a container's own {@code JAVA_TOOL_OPTIONS} from {@code valueFrom} moves to: the new
     * {@code JAVA_TOOL_OPTIONS} refers to it as {@code $(...)}, which Kubernetes expands from the
     * variables defined before it, so the user's value is kept and the agent added.
     */
    public static final String APP_JAVA_TOOL_OPTIONS = "MESHLESS_APP_JAVA_TOOL_OPTIONS";

    private static final Set<String> MODES = Set.of("strict", "permissive", "audit", "off");

    private final InjectionSettings settings;
    private final ObjectMapper mapper;

    public PodInjector(InjectionSettings settings, ObjectMapper mapper) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    /**
     * @param pod the pod as the API server (or a manifest) has it; not modified
     * @param namespace the pod's namespace (AdmissionRequest.namespace; a pod being created often
     *     has none in its metadata), may be null for manifests
     * @param namespaceLabels labels of that namespace, empty when unknown
     */
    public Injection inject(Pod pod, String namespace, Map<String, String> namespaceLabels) throws InjectionDenied {
        Objects.requireNonNull(pod, "pod");
        Map<String, String> annotations =
                orEmpty(pod.getMetadata() == null ? null : pod.getMetadata().getAnnotations());
        Map<String, String> labels =
                orEmpty(pod.getMetadata() == null ? null : pod.getMetadata().getLabels());

        String optIn = optInDecision(annotations, labels, orEmpty(namespaceLabels), namespace);
        if (optIn != null) {
            return new Injection(Injection.Outcome.NOT_OPTED_IN, pod, null, List.of(), optIn);
        }
        if (Annotations.STATUS_INJECTED.equals(annotations.get(Annotations.STATUS))) {
            return new Injection(
                    Injection.Outcome.ALREADY_INJECTED,
                    pod,
                    null,
                    List.of(),
                    "annotation " + Annotations.STATUS + " is already \"injected\"");
        }
        if (pod.getSpec() == null
                || pod.getSpec().getContainers() == null
                || pod.getSpec().getContainers().isEmpty()) {
            throw new InjectionDenied("pod " + describe(pod, namespace) + " has no spec.containers to inject");
        }

        List<String> warnings = new ArrayList<>();
        boolean withAgent = agentChoice(annotations.get(Annotations.AGENT));
        Map<String, String> agentEnv = agentEnvironment(annotations, warnings);
        if (!withAgent) {
            for (String key : Annotations.AGENT_KEYS) {
                if (!key.equals("cert-dir") && annotations.containsKey(Annotations.PREFIX + key)) {
                    warnings.add("annotation " + Annotations.PREFIX + key + " has no effect with " + Annotations.AGENT
                            + ": \"false\" (no agent reads it)");
                }
            }
        }
        if (settings.defaultMode() != null) {
            agentEnv.putIfAbsent(Annotations.envName("mode"), settings.defaultMode());
        }
        String certDir = agentEnv.getOrDefault(Annotations.envName("cert-dir"), PodLayout.CERT_DIR);

        Pod copy = copyOf(pod);
        PodSpec spec = copy.getSpec();
        Set<String> chosen = chosenContainers(annotations, spec.getContainers());
        checkNoClash(spec);

        String serviceAccount = serviceAccountOf(spec);
        for (Container container : spec.getContainers()) {
            if (!chosen.contains(container.getName())) {
                continue;
            }
            if (withAgent) {
                injectContainer(container, certDir, agentEnv, warnings);
            } else {
                mountCertificates(container, certDir);
            }
        }
        if (withAgent) {
            spec.setVolumes(append(spec.getVolumes(), certsVolume(serviceAccount), agentVolume()));
            List<Container> inits = new ArrayList<>();
            // First, so that the jar exists before any other init container that might be a JVM.
            inits.add(initContainer());
            inits.addAll(orEmpty(spec.getInitContainers()));
            spec.setInitContainers(inits);
        } else {
            // A non-JVM workload (nginx, Go, Python) reads the files itself: only the certificate,
            // which the controller keeps rotated like any injected pod's.
            spec.setVolumes(append(spec.getVolumes(), certsVolume(serviceAccount)));
        }

        ObjectMeta meta = copy.getMetadata() == null ? new ObjectMeta() : copy.getMetadata();
        Map<String, String> newAnnotations = new LinkedHashMap<>(annotations);
        newAnnotations.put(Annotations.STATUS, Annotations.STATUS_INJECTED);
        meta.setAnnotations(newAnnotations);
        // The label lets the certificate controller watch only injected pods (label selector);
        // the annotation stays the marker re-injection and the design rely on.
        Map<String, String> newLabels = new LinkedHashMap<>(labels);
        newLabels.put(Annotations.INJECTED_LABEL, Annotations.INJECTED_LABEL_VALUE);
        meta.setLabels(newLabels);
        copy.setMetadata(meta);

        return new Injection(
                Injection.Outcome.INJECTED,
                copy,
                serviceAccount,
                warnings,
                "injected " + String.join(",", chosen) + (withAgent ? "" : " (certificate only, no agent)")
                        + " with service account " + serviceAccount);
    }

    /** {@code meshless.io/agent}: absent or "true" loads the agent, "false" mounts the certificate only. */
    private static boolean agentChoice(String value) throws InjectionDenied {
        if (value == null) {
            return true;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new InjectionDenied("annotation " + Annotations.AGENT + ": \"" + value
                        + "\" must be \"true\" or \"false\" (\"false\": certificate volume only, for a pod that is"
                        + " not a JVM)");
        }
    }

    /** Null when the pod opts in; otherwise why it does not. */
    private String optInDecision(
            Map<String, String> annotations,
            Map<String, String> labels,
            Map<String, String> namespaceLabels,
            String namespace)
            throws InjectionDenied {
        Boolean podChoice = podLevelChoice("annotation", annotations.get(Annotations.INJECT));
        if (podChoice == null) {
            podChoice = podLevelChoice("label", labels.get(Annotations.INJECT));
        }
        if (podChoice != null) {
            return podChoice ? null : "pod opts out with " + Annotations.INJECT + "=false";
        }
        if (settings.injectAll()) {
            return null;
        }
        if ("enabled".equals(namespaceLabels.get(Annotations.INJECT))) {
            return null;
        }
        return "neither the pod nor namespace " + namespace + " opts in with " + Annotations.INJECT;
    }

    private static Boolean podLevelChoice(String where, String value) throws InjectionDenied {
        if (value == null) {
            return null;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true":
            case "enabled":
                return true;
            case "false":
            case "disabled":
                return false;
            default:
                throw new InjectionDenied(
                        where + " " + Annotations.INJECT + ": \"" + value + "\" must be \"true\" or \"false\"");
        }
    }

    /** Validates the {@code meshless.io/<agent-key>} annotations into MESHLESS_* variables. */
    private static Map<String, String> agentEnvironment(Map<String, String> annotations, List<String> warnings)
            throws InjectionDenied {
        Map<String, String> env = new LinkedHashMap<>();
        for (String key : Annotations.AGENT_KEYS) {
            String annotation = Annotations.PREFIX + key;
            String value = annotations.get(annotation);
            if (value == null) {
                continue;
            }
            String v = value.trim();
            switch (key) {
                case "cert-dir":
                    if (v.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                        throw new InjectionDenied("annotation " + annotation + ": \"" + printable(value)
                                + "\" must be one absolute directory path, without whitespace or control characters");
                    }
                    if (!v.startsWith("/") || v.contains("..") || v.contains(":") || v.length() == 1) {
                        throw new InjectionDenied("annotation " + annotation + ": \"" + value
                                + "\" must be an absolute directory path without '..' or ':' (and not /)");
                    }
                    if (v.startsWith(PodLayout.AGENT_DIR)) {
                        throw new InjectionDenied("annotation " + annotation + ": \"" + value + "\" must not be inside "
                                + PodLayout.AGENT_DIR + ", where the agent jar is mounted");
                    }
                    break;
                case "mode":
                    v = v.toLowerCase(Locale.ROOT);
                    if (!MODES.contains(v)) {
                        throw new InjectionDenied("annotation " + annotation + ": \"" + value
                                + "\" must be one of strict, permissive, audit, off");
                    }
                    break;
                case "allowed-peers":
                    try {
                        PeerPolicy.parse(v);
                    } catch (IllegalArgumentException e) {
                        throw new InjectionDenied("annotation " + annotation + ": \"" + value
                                + "\" is not a valid allowed-peers list (SPIFFE IDs or prefixes ending in /*, cn:,"
                                + " cn:~, dn: or dns: entries): " + e.getMessage());
                    }
                    break;
                case "trust-system-cas":
                    v = v.toLowerCase(Locale.ROOT);
                    if (!v.equals("true") && !v.equals("false")) {
                        throw new InjectionDenied(
                                "annotation " + annotation + ": \"" + value + "\" must be \"true\" or \"false\"");
                    }
                    break;
                default:
                    throw new IllegalStateException("agent key without validation: " + key);
            }
            env.put(Annotations.envName(key), v);
        }
        for (String name : annotations.keySet()) {
            if (name.startsWith(Annotations.PREFIX) && !Annotations.KNOWN.contains(name)) {
                warnings.add("annotation " + name + " is not a meshless option and is ignored (known: "
                        + String.join(", ", Annotations.KNOWN) + ")");
            }
        }
        return env;
    }

    private static Set<String> chosenContainers(Map<String, String> annotations, List<Container> containers)
            throws InjectionDenied {
        List<String> names = containers.stream().map(Container::getName).collect(Collectors.toList());
        String value = annotations.get(Annotations.CONTAINERS);
        if (value == null) {
            return new LinkedHashSet<>(names);
        }
        Set<String> chosen = new LinkedHashSet<>();
        for (String part : value.split(",", -1)) {
            String name = part.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (!names.contains(name)) {
                throw new InjectionDenied("annotation " + Annotations.CONTAINERS + ": \"" + name
                        + "\" is not a container of this pod (containers: " + String.join(", ", names) + ")");
            }
            chosen.add(name);
        }
        if (chosen.isEmpty()) {
            throw new InjectionDenied("annotation " + Annotations.CONTAINERS + ": \"" + value
                    + "\" names no container (containers: " + String.join(", ", names) + ")");
        }
        return chosen;
    }

    /** Refuses pods that already use our names or paths: we would otherwise admit a broken pod. */
    private static void checkNoClash(PodSpec spec) throws InjectionDenied {
        for (Volume volume : orEmpty(spec.getVolumes())) {
            if (CERTS_VOLUME.equals(volume.getName()) || AGENT_VOLUME.equals(volume.getName())) {
                throw new InjectionDenied("spec.volumes already has a volume named " + volume.getName()
                        + " but the pod is not annotated " + Annotations.STATUS + ": injected");
            }
        }
        for (Container init : orEmpty(spec.getInitContainers())) {
            if (INIT_CONTAINER.equals(init.getName())) {
                throw new InjectionDenied("spec.initContainers already has a container named " + INIT_CONTAINER
                        + " but the pod is not annotated " + Annotations.STATUS + ": injected");
            }
        }
    }

    /** The certificate volume alone, for a container without the agent. */
    private static void mountCertificates(Container container, String certDir) throws InjectionDenied {
        List<VolumeMount> mounts = new ArrayList<>(orEmpty(container.getVolumeMounts()));
        refuseMountAt(container, mounts, certDir);
        mounts.add(mount(CERTS_VOLUME, certDir));
        container.setVolumeMounts(mounts);
    }

    private static void refuseMountAt(Container container, List<VolumeMount> mounts, String... paths)
            throws InjectionDenied {
        for (VolumeMount mount : mounts) {
            String path = mount.getMountPath();
            if (List.of(paths).contains(path)) {
                throw new InjectionDenied("container " + container.getName() + " already mounts volume "
                        + mount.getName() + " at " + path + ", where meshless mounts its own volume");
            }
        }
    }

    private void injectContainer(
            Container container, String certDir, Map<String, String> agentEnv, List<String> warnings)
            throws InjectionDenied {
        List<VolumeMount> mounts = new ArrayList<>(orEmpty(container.getVolumeMounts()));
        refuseMountAt(container, mounts, certDir, PodLayout.AGENT_DIR);
        mounts.add(mount(CERTS_VOLUME, certDir));
        mounts.add(mount(AGENT_VOLUME, PodLayout.AGENT_DIR));
        container.setVolumeMounts(mounts);

        List<EnvVar> env = new ArrayList<>(orEmpty(container.getEnv()));
        EnvVar toolOptions = null;
        for (EnvVar var : env) {
            if (JAVA_TOOL_OPTIONS.equals(var.getName())) {
                toolOptions = var; // the last definition wins in Kubernetes, as here
            }
        }
        if (toolOptions == null) {
            if (container.getEnvFrom() != null && !container.getEnvFrom().isEmpty()) {
                warnings.add("container " + container.getName() + " uses envFrom: if that source sets "
                        + JAVA_TOOL_OPTIONS + ", the " + JAVA_TOOL_OPTIONS
                        + " added by meshless takes precedence over it; set it in env instead");
            }
            env.add(new EnvVar(JAVA_TOOL_OPTIONS, JAVAAGENT_FLAG, null));
        } else if (toolOptions.getValueFrom() != null) {
            extendReferencedToolOptions(container, env, toolOptions);
        } else {
            String value = toolOptions.getValue() == null ? "" : toolOptions.getValue();
            if (!value.contains(JAVAAGENT_FLAG)) {
                toolOptions.setValue(value.isBlank() ? JAVAAGENT_FLAG : value + " " + JAVAAGENT_FLAG);
            }
        }
        for (Map.Entry<String, String> option : agentEnv.entrySet()) {
            boolean userSet = env.stream().anyMatch(var -> option.getKey().equals(var.getName()));
            if (userSet) {
                warnings.add("container " + container.getName() + " sets " + option.getKey()
                        + " itself; it wins over annotation " + Annotations.PREFIX
                        + option.getKey()
                                .substring("MESHLESS_".length())
                                .toLowerCase(Locale.ROOT)
                                .replace('_', '-'));
            } else {
                env.add(new EnvVar(option.getKey(), option.getValue(), null));
            }
        }
        container.setEnv(env);
    }

    /**
     * The value lives in a ConfigMap, Secret or field an admission webhook cannot read. The user's
     * reference moves to {@link #APP_JAVA_TOOL_OPTIONS}, and a new {@code JAVA_TOOL_OPTIONS} right
     * after it says {@code $(MESHLESS_APP_JAVA_TOOL_OPTIONS) -javaagent:...}: Kubernetes expands
     * that from the variable defined before it when the container starts, so the JVM gets the
     * user's options and the agent. An optional reference is refused: when its key is missing the
     * variable is unset, Kubernetes leaves {@code $(...)} as it is, and the JVM would not start.
     */
    private static void extendReferencedToolOptions(Container container, List<EnvVar> env, EnvVar toolOptions)
            throws InjectionDenied {
        EnvVarSource source = toolOptions.getValueFrom();
        boolean optional = (source.getConfigMapKeyRef() != null
                        && Boolean.TRUE.equals(source.getConfigMapKeyRef().getOptional()))
                || (source.getSecretKeyRef() != null
                        && Boolean.TRUE.equals(source.getSecretKeyRef().getOptional()));
        if (optional) {
            throw new InjectionDenied("container " + container.getName() + " sets " + JAVA_TOOL_OPTIONS
                    + " from an optional valueFrom reference, which meshless cannot extend safely (when the key is"
                    + " missing the JVM would get an unexpanded $(...)): make the reference optional: false, or set "
                    + JAVA_TOOL_OPTIONS + " with value, or opt this container out with " + Annotations.CONTAINERS);
        }
        for (EnvVar var : env) {
            if (APP_JAVA_TOOL_OPTIONS.equals(var.getName())) {
                throw new InjectionDenied("container " + container.getName() + " already sets " + APP_JAVA_TOOL_OPTIONS
                        + " but the pod is not annotated " + Annotations.STATUS + ": injected");
            }
        }
        int at = env.lastIndexOf(toolOptions);
        env.set(at, new EnvVar(APP_JAVA_TOOL_OPTIONS, null, source));
        env.add(at + 1, new EnvVar(JAVA_TOOL_OPTIONS, "$(" + APP_JAVA_TOOL_OPTIONS + ") " + JAVAAGENT_FLAG, null));
    }

    /** A value for a message: control characters shown escaped, not written into the log line. */
    private static String printable(String value) {
        StringBuilder out = new StringBuilder(value.length());
        value.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format(Locale.ROOT, "\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    private static VolumeMount mount(String volume, String path) {
        VolumeMount mount = new VolumeMount();
        mount.setName(volume);
        mount.setMountPath(path);
        mount.setReadOnly(true);
        return mount;
    }

    private Volume certsVolume(String serviceAccount) {
        if (settings.identitySource() == IdentitySource.POD_CERTIFICATES) {
            return podCertificateVolume();
        }
        SecretVolumeSource secret = new SecretVolumeSource();
        secret.setSecretName(PodLayout.secretName(serviceAccount));
        // Not optional: kubelet keeps retrying the mount until the controller has created the Secret,
        // so a pod admitted first starts by itself a few seconds later.
        secret.setOptional(false);
        secret.setDefaultMode(0440);
        Volume volume = new Volume();
        volume.setName(CERTS_VOLUME);
        volume.setSecret(secret);
        return volume;
    }

    /**
     * Kubelet's per-pod key and certificate (signed by the controller as {@code meshless.io/workload})
     * in one credential bundle, beside the mesh CA bundle: the agent reads this layout as it reads a
     * Secret's. No Secret exists for such a pod.
     */
    private Volume podCertificateVolume() {
        PodCertificateProjection certificate = new PodCertificateProjection();
        certificate.setSignerName(MeshlessMetadata.POD_CERTIFICATE_SIGNER);
        certificate.setKeyType(settings.podCertificateKeyType());
        certificate.setCredentialBundlePath(PodLayout.CREDENTIAL_BUNDLE);
        VolumeProjection bundle = new VolumeProjection();
        bundle.setConfigMap(new ConfigMapProjectionBuilder()
                .withName(PodLayout.CA_BUNDLE_CONFIG_MAP)
                .withOptional(false)
                .addNewItem()
                .withKey(MeshlessMetadata.CA_CRT)
                .withPath(MeshlessMetadata.CA_CRT)
                .endItem()
                .build());
        VolumeProjection podCertificate = new VolumeProjection();
        podCertificate.setPodCertificate(certificate);
        ProjectedVolumeSource projected = new ProjectedVolumeSource();
        projected.setDefaultMode(0440);
        projected.setSources(List.of(podCertificate, bundle));
        Volume volume = new Volume();
        volume.setName(CERTS_VOLUME);
        volume.setProjected(projected);
        return volume;
    }

    private static Volume agentVolume() {
        EmptyDirVolumeSource emptyDir = new EmptyDirVolumeSource();
        emptyDir.setSizeLimit(new Quantity("32Mi"));
        Volume volume = new Volume();
        volume.setName(AGENT_VOLUME);
        volume.setEmptyDir(emptyDir);
        return volume;
    }

    private Container initContainer() {
        SecurityContext security = new SecurityContext();
        security.setRunAsNonRoot(true);
        security.setRunAsUser(settings.runAsUser());
        security.setReadOnlyRootFilesystem(true);
        security.setAllowPrivilegeEscalation(false);
        security.setPrivileged(false);
        Capabilities capabilities = new Capabilities();
        capabilities.setDrop(List.of("ALL"));
        security.setCapabilities(capabilities);
        SeccompProfile seccomp = new SeccompProfile();
        seccomp.setType("RuntimeDefault");
        security.setSeccompProfile(seccomp);

        ResourceRequirements resources = new ResourceRequirements();
        Map<String, Quantity> requests = new LinkedHashMap<>();
        requests.put("cpu", new Quantity("10m"));
        requests.put("memory", new Quantity("16Mi"));
        resources.setRequests(requests);
        Map<String, Quantity> limits = new LinkedHashMap<>();
        limits.put("memory", new Quantity("32Mi"));
        resources.setLimits(limits);

        VolumeMount agentMount = new VolumeMount();
        agentMount.setName(AGENT_VOLUME);
        agentMount.setMountPath(PodLayout.AGENT_DIR);

        Container init = new Container();
        init.setName(INIT_CONTAINER);
        init.setImage(settings.agentImage());
        init.setImagePullPolicy(settings.imagePullPolicy());
        init.setCommand(List.of("cp", settings.agentJarInImage(), PodLayout.AGENT_JAR));
        init.setVolumeMounts(List.of(agentMount));
        init.setSecurityContext(security);
        init.setResources(resources);
        return init;
    }

    static String serviceAccountOf(PodSpec spec) {
        String sa = spec.getServiceAccountName();
        if (sa == null || sa.isEmpty()) {
            sa = spec.getServiceAccount(); // deprecated alias, still accepted by the API server
        }
        return sa == null || sa.isEmpty() ? PodLayout.DEFAULT_SERVICE_ACCOUNT : sa;
    }

    private Pod copyOf(Pod pod) {
        return mapper.convertValue(mapper.valueToTree(pod), Pod.class);
    }

    static String describe(Pod pod, String namespace) {
        ObjectMeta meta = pod.getMetadata();
        String name = meta == null ? null : meta.getName();
        if ((name == null || name.isEmpty()) && meta != null && meta.getGenerateName() != null) {
            name = meta.getGenerateName() + "*";
        }
        return (namespace == null ? "" : namespace + "/") + (name == null ? "<unnamed>" : name);
    }

    @SafeVarargs
    private static <T> List<T> append(List<T> list, T... more) {
        List<T> result = new ArrayList<>(orEmpty(list));
        result.addAll(List.of(more));
        return result;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }
}
