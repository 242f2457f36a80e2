/**
 * The certificate controller of the injector.
 *
 * <h2>What it keeps current</h2>
 * <ul>
 *   <li>The mesh CA, a Secret in the injector's namespace ({@code meshless-ca}: {@code tls.crt},
 *       {@code tls.key}, {@code ca.crt}). Created at first start when absent (then annotated
 *       {@code meshless.io/ca-origin: generated}); otherwise supplied by the user, for example by
 *       cert-manager, and then only read, never written. A broken CA Secret is refused with a
 *       message naming the Secret and the field; nothing is issued until it is fixed.</li>
 *   <li>Per service account of injected pods, a {@code kubernetes.io/tls} Secret
 *       {@code meshless-<serviceaccount>} in the pod's namespace: {@code tls.crt} (leaf + chain),
 *       {@code tls.key}, {@code ca.crt}; owned by the ServiceAccount; annotated with serial,
 *       expiry, renewal time, issuer and bundle fingerprints and a hash of the data, so a healthy
 *       Secret is judged without parsing and a damaged or edited one is re-issued.</li>
 *   <li>This replica's webhook serving certificate, written into a local directory the HTTPS
 *       server watches; and the MutatingWebhookConfiguration's {@code caBundle}.</li>
 *   <li>The trust bundle ConfigMap {@code meshless-ca-bundle} (key {@code ca.crt}) in every
 *       namespace that opted in, or in all; never one of that name it does not manage.</li>
 * </ul>
 * Failures become deduplicated Warning Events (reasons in {@code EventReasons}) on the object
 * concerned, besides the log line.
 *
 * <h2>How it is built</h2>
 * {@link io.meshless.injector.controller.CertificateController} holds the informers, the Lease and
 * the single-threaded work queue; each pass runs one reconciler per job: {@code MeshCaReconciler},
 * {@code ServingCertificateReconciler}, and on the leader {@code WorkloadSecretReconciler},
 * {@code TrustBundleReconciler} and {@code WebhookBundleReconciler}. Decisions are pure functions tested without an API server:
 * {@code CaRotationPolicy.next} for the CA rotation, {@code WorkloadSecretContent.decide} per Secret.
 *
 * <h2>Rotating a generated CA</h2>
 * Started automatically at 2/3 of the CA's lifetime, or at once by annotating the CA Secret
 * {@code meshless.io/rotate-ca=true}. The phase is recorded in the CA Secret
 * ({@code meshless.io/ca-rotation-phase}), so any replica that becomes leader resumes it:
 * <ol>
 *   <li>{@code publishing}: the new CA ({@code next.crt}/{@code next.key}) joins {@code ca.crt},
 *       every workload bundle and the webhook caBundle; leaves are still signed by the old CA.</li>
 *   <li>{@code retiring}: once every bundle holds the new CA and the propagation delay passed
 *       (kubelet sync, agent reload), the new CA signs; all leaves are re-issued. The old CA
 *       ({@code previous.crt}) stays trusted until {@code meshless.io/ca-retire-after}, which is
 *       after the expiry of the last leaf it could have signed.</li>
 *   <li>{@code stable}: the old CA leaves every bundle.</li>
 * </ol>
 *
 * <h2>Rotating a user-supplied CA</h2>
 * The controller never writes a user's CA Secret, so the user runs the same three steps: add the
 * new CA to {@code ca.crt}; once propagated, put the new CA in {@code tls.crt}/{@code tls.key}
 * (leaves are re-issued when the signer changes); remove the old CA from {@code ca.crt} after one
 * leaf lifetime. When cert-manager renews an intermediate under an unchanged root in
 * {@code ca.crt}, nothing else is needed: leaves are re-issued and every bundle still trusts them.
 */
package io.meshless.injector.controller;
