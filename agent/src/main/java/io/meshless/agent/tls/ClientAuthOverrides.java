package io.meshless.agent.tls;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * Tells the application, once per call site, that the agent kept client authentication on a server-mode
 * engine or socket after the application lowered it. Once per site because a server that lowers client
 * auth on every connection must not log per connection; the site names the application's line so the
 * owner knows which of their settings the mode overrules.
 */
public final class ClientAuthOverrides {
    /** Starts the WARN line that says the mode overruled the application's lowered client authentication. */
    public static final String KEPT_CLIENT_AUTH = "kept client authentication on";

    /** Distinct call sites reported; an application has few, this only bounds a pathological one. */
    private static final int CALL_SITES_REPORTED = 256;

    private final ClientAuthPolicy policy;
    private final Consumer<String> warnings;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    ClientAuthOverrides(ClientAuthPolicy policy) {
        this(policy, message -> LoggerFactory.getLogger(ClientAuthOverrides.class)
                .warn(message));
    }

    ClientAuthOverrides(ClientAuthPolicy policy, Consumer<String> warnings) {
        this.policy = policy;
        this.warnings = warnings;
    }

    /** After the policy raised what {@code method} lowered on {@code what} ("an SSLEngine", ...). */
    void overrode(String what, String method) {
        String site = CallSite.ofApplication();
        if (reported.size() < CALL_SITES_REPORTED && reported.add(what + " " + method + " " + site)) {
            warnings.accept(KEPT_CLIENT_AUTH + " " + what + " after " + method + " from " + site + ": "
                    + policy.demand() + " (further calls from there are not logged)");
        }
    }
}
