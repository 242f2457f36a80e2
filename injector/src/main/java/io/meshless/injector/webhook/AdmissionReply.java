package io.meshless.injector.webhook;

/**
 * The HTTP answer to one POST /mutate.
 *
 * @param httpStatus 200 for every well-formed review (allowed or denied inside), 400 for a body
 *     that is not one
 * @param contentType media type of {@code body}
 * @param body the response body (an AdmissionReview JSON, or a one-line text message)
 * @param result for metrics and logs
 * @param message one line for logs (why denied/invalid; never pod contents)
 */
public record AdmissionReply(int httpStatus, String contentType, byte[] body, Result result, String message) {
    public enum Result {
        INJECTED,
        SKIPPED,
        DENIED,
        INVALID,
        ERROR;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
