package io.meshless.injector.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import java.util.EnumSet;

/**
 * The RFC 6902 patch from an object to its mutated copy, computed by diff so that no path is
 * ever written by hand (escaping of "/" as "~1" in annotation keys is done by zjsonpatch).
 */
public final class PodPatch {
    /** Plain add/replace/remove: move/copy ops would reference paths of our serialized form. */
    private static final EnumSet<DiffFlags> FLAGS =
            EnumSet.of(DiffFlags.OMIT_VALUE_ON_REMOVE, DiffFlags.OMIT_MOVE_OPERATION, DiffFlags.OMIT_COPY_OPERATION);

    private PodPatch() {}

    /** Both sides are serialized by the same mapper, so only the mutation shows up in the diff. */
    public static JsonNode diff(ObjectMapper mapper, HasMetadata original, HasMetadata mutated) {
        return JsonDiff.asJson(mapper.valueToTree(original), mapper.valueToTree(mutated), FLAGS);
    }

    public static JsonNode diff(JsonNode original, JsonNode mutated) {
        return JsonDiff.asJson(original, mutated, FLAGS);
    }
}
