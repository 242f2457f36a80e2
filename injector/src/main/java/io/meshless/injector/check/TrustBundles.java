package io.meshless.injector.check;

import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.Map;
import java.util.Set;

/**
 * What {@code check} read about the trust bundle ConfigMaps.
 *
 * @param namespaces every namespace that is not being deleted (all of them may need one)
 * @param configMaps the ConfigMaps named {@code meshless-ca-bundle}, by namespace
 */
public record TrustBundles(Set<String> namespaces, Map<String, ConfigMap> configMaps) {

    public static final TrustBundles NONE = new TrustBundles(Set.of(), Map.of());

    public TrustBundles {
        namespaces = Set.copyOf(namespaces);
        configMaps = Map.copyOf(configMaps);
    }
}
