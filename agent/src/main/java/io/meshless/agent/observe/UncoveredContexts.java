package io.meshless.agent.observe;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The application's own SSLContexts the agent leaves alone (their key or trust material is not the mounted
 * material), one entry per call site: reported once at INFO, and listed in the MBean. Bounded, so an
 * application creating contexts from generated code costs no unbounded memory.
 */
public final class UncoveredContexts {
    /** Ends the INFO line for a context left alone, and the status command's row for its site. */
    public static final String NOT_IN_MESH = "these connections do not use the mesh identity";

    static final int MAX_SITES = 256;

    private final Set<String> callSites = new LinkedHashSet<>();
    private final List<String> sites = new ArrayList<>();
    private final Consumer<String> log;

    /** @param log receives the INFO line for each new call site */
    public UncoveredContexts(Consumer<String> log) {
        this.log = log;
    }

    /**
     * @param callSite the first application frame of {@code SSLContext.init}
     * @param what     what the application brought ("its own key material", ...)
     */
    public void leftAlone(String callSite, String what) {
        String entry = callSite + ": " + what;
        synchronized (sites) {
            if (callSites.size() >= MAX_SITES || !callSites.add(callSite)) {
                return;
            }
            sites.add(entry);
        }
        log.accept("the SSLContext initialised at " + entry + " is left alone: " + NOT_IN_MESH);
    }

    public List<String> sites() {
        synchronized (sites) {
            return new ArrayList<>(sites);
        }
    }
}
