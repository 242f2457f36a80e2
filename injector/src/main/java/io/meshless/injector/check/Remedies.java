package io.meshless.injector.check;

/** Fixes several checks share, phrased once. */
final class Remedies {

    /** The controller's Lease (ControllerConfig's default; the chart does not change it). */
    static final String LEASE = "meshless-injector-controller";

    private Remedies() {}

    /** Where to look when the leading controller does not do its work. */
    static String controllerLeader(InjectorNames names) {
        return "see the leader's log (kubectl -n " + names.namespace() + " logs deployment/"
                + names.deploymentName() + ") and who holds the Lease (kubectl -n " + names.namespace()
                + " get lease " + LEASE + ")";
    }

    static String fixFirst(MeshCheck check) {
        return "fix the check " + check.id() + " first";
    }
}
