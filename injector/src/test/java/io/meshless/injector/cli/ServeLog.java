package io.meshless.injector.cli;

import java.util.regex.Pattern;

/** What {@code serve} logs, as the tests that run it in a child JVM read it. */
final class ServeLog {

    /**
     * Logged once the webhook server is bound, with the port the kernel chose for {@code --port 0};
     * the first group is the port. Written by {@link ServeCommand}.
     */
    static final Pattern LISTENING = Pattern.compile("webhook listening on https://\\S+:(\\d+)/mutate");

    private ServeLog() {}
}
