package io.meshless.injector.webhook;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * What the injector decided for one pod.
 *
 * @param outcome whether the pod was changed
 * @param pod the pod to admit: the mutated copy when injected, otherwise the input
 * @param serviceAccount the service account whose Secret the pod mounts (when injected)
 * @param warnings things the user should know (shown by kubectl as admission warnings)
 * @param reason one line saying why, for logs
 */
public record Injection(Outcome outcome, Pod pod, String serviceAccount, List<String> warnings, String reason) {
    public enum Outcome {
        INJECTED,
        NOT_OPTED_IN,
        ALREADY_INJECTED
    }

    public Injection {
        warnings = List.copyOf(warnings);
    }
}
