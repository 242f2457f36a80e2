package io.meshless.injector.controller;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * An instant the controller records in an annotation (ISO-8601, as {@link Instant#toString()}
 * writes it). The one reader, so the controller and {@code check} agree on what is readable.
 */
public final class AnnotatedInstant {

    private AnnotatedInstant() {}

    /**
     * The instant under {@code key}, or null when the annotation is absent or empty.
     *
     * @throws IllegalArgumentException naming the value when it is no ISO-8601 instant; callers add where
     */
    public static Instant read(Map<String, String> annotations, String key) {
        String value = annotations.get(key);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + value + "' is not an ISO-8601 instant", e);
        }
    }
}
