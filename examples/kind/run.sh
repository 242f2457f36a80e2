#!/usr/bin/env bash
# End-to-end Meshless on a local kind cluster:
#   1. create the cluster           5. show the mTLS calls (java.net.http and OkHttp) and identities
#   2. build and load the images    6. show a refused caller without a certificate
#   3. helm install the injector    7. rotate hello's certificate while the apps keep running
#   4. deploy examples/k8s
#
# Needs: docker, kind, kubectl, helm (3.x), a JDK 17 for ./mvnw. Usage: examples/kind/run.sh [--keep]
#   CLUSTER (default meshless) names the kind cluster; --keep leaves it running at the end.
# CI has no container engine, so CI never runs this script: it is kept correct by reading
# (and by helm-tests, which lints and renders the same chart with the same values).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cluster="${CLUSTER:-meshless}"
keep=false
[ "${1:-}" = "--keep" ] && keep=true
tag="0.1.0"                       # the chart's appVersion and the tag in examples/k8s
registry="ghcr.io/meshless"
release_ns="meshless-system"
demo_ns="meshless-demo"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
fail() { echo "run.sh: FAILED: $*" >&2; exit 1; }

for tool in docker kind kubectl helm; do
  command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is not installed"
done

# Polls a command until it succeeds; bounded, so the script never hangs.
wait_for() { # seconds description command...
  local seconds="$1" what="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || fail "timed out after ${seconds}s waiting for $what"
    sleep 3
  done
}

wait_for_quietly() { # seconds command...: like wait_for, but returns 1 instead of failing
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 3
  done
}

step "1. kind cluster '$cluster'"
if kind get clusters | grep -qx "$cluster"; then
  echo "reusing the existing cluster"
else
  kind create cluster --name "$cluster" --wait 120s
fi
kubectl config use-context "kind-$cluster" >/dev/null

step "2. build the jars and images, load them into kind"
"$root/images/build.sh" --examples --registry "$registry" --tag "$tag"
for image in meshless-injector meshless-agent meshless-examples; do
  kind load docker-image --name "$cluster" "$registry/$image:$tag"
done

step "3. helm install the injector into $release_ns"
helm upgrade --install meshless "$root/helm/meshless" \
  --namespace "$release_ns" --create-namespace \
  --set image.tag="$tag" --set agentImage.tag="$tag" \
  --wait --timeout 5m
# Self-managed webhook certificate: the injector fills in caBundle once it has issued its
# serving certificate. Pods created before that would be refused (failurePolicy Fail).
has_ca_bundle() {
  [ -n "$(kubectl get mutatingwebhookconfiguration meshless-injector \
    -o jsonpath='{.webhooks[0].clientConfig.caBundle}')" ]
}
wait_for 120 "the injector to publish the webhook caBundle" has_ca_bundle
kubectl -n "$release_ns" get pods -o wide

step "4. deploy the examples (namespace opted in by label, one pod opted out)"
kubectl apply -f "$root/examples/k8s/"
for deployment in hello jdk-client okhttp-client outsider; do
  kubectl -n "$demo_ns" rollout status "deployment/$deployment" --timeout 180s
done
hello_pod="$(kubectl -n "$demo_ns" get pod -l app.kubernetes.io/name=hello -o jsonpath='{.items[0].metadata.name}')"
outsider_pod="$(kubectl -n "$demo_ns" get pod -l app.kubernetes.io/name=outsider -o jsonpath='{.items[0].metadata.name}')"
echo "hello:    meshless.io/status=$(kubectl -n "$demo_ns" get pod "$hello_pod" -o jsonpath='{.metadata.annotations.meshless\.io/status}')," \
  "init containers: $(kubectl -n "$demo_ns" get pod "$hello_pod" -o jsonpath='{.spec.initContainers[*].name}')"
echo "outsider: meshless.io/status=$(kubectl -n "$demo_ns" get pod "$outsider_pod" -o jsonpath='{.metadata.annotations.meshless\.io/status}') (opted out: empty)"
[ -z "$(kubectl -n "$demo_ns" get pod "$outsider_pod" -o jsonpath='{.metadata.annotations.meshless\.io/status}')" ] \
  || fail "the opted-out pod was injected"
# The webhook also labels injected pods; the controller watches only those (label selector).
echo "meshed pods (label meshless.io/injected=true):"
kubectl get pods -A -l meshless.io/injected=true
meshed="$(kubectl -n "$demo_ns" get pods -l meshless.io/injected=true -o name)"
grep -qx "pod/$hello_pod" <<<"$meshed" || fail "the injected pod lacks the label meshless.io/injected=true"
if grep -qx "pod/$outsider_pod" <<<"$meshed"; then fail "the opted-out pod carries the label meshless.io/injected=true"; fi

inspect_hello() {
  kubectl -n "$demo_ns" exec deploy/hello -c hello -- \
    java -jar /var/run/meshless/agent/meshless-agent.jar inspect /var/run/meshless/certs
}

step "5. mTLS calls: the clients present their workload certificates, hello answers with their SPIFFE IDs"
client_says_hello() { # deployment
  kubectl -n "$demo_ns" logs "deploy/$1" --since=30s | grep -q " 200 hello spiffe://cluster.local/ns/$demo_ns/sa/$1"
}
wait_for 90 "jdk-client to get answers over mTLS" client_says_hello jdk-client
kubectl -n "$demo_ns" logs deploy/jdk-client --tail=2
# OkHttp verifies the host name itself after the handshake (its own HostnameVerifier), and a
# mesh certificate names only the SPIFFE ID: calls by Service DNS name are refused by OkHttp
# unless the agent covers that verifier (a known limit of the agent today, see README).
if wait_for_quietly 60 client_says_hello okhttp-client; then
  kubectl -n "$demo_ns" logs deploy/okhttp-client --tail=2
elif kubectl -n "$demo_ns" logs deploy/okhttp-client --tail=5 | grep -q "SSLPeerUnverifiedException: Hostname"; then
  echo "okhttp-client: KNOWN LIMIT: OkHttp's own host-name check refuses the SPIFFE-only certificate:"
  kubectl -n "$demo_ns" logs deploy/okhttp-client --tail=1
else
  kubectl -n "$demo_ns" logs deploy/okhttp-client --tail=5
  fail "okhttp-client got no answer, for another reason than the known host-name limit"
fi
kubectl -n "$demo_ns" logs deploy/hello --tail=4
echo "hello's own certificate, as the agent in its pod sees it:"
inspect_hello

step "6. refused callers"
echo "outsider (opted out, no certificate, does not trust the mesh CA):"
kubectl -n "$demo_ns" logs deploy/outsider --tail=2
if kubectl -n "$demo_ns" logs deploy/outsider --tail=5 | grep -q " 200 hello"; then
  fail "the opted-out client got an answer"
fi
# A caller that does trust the mesh CA (so the server's certificate verifies) but has no
# certificate of its own: hello's agent (strict mode) refuses the handshake.
kubectl -n "$demo_ns" get secret meshless-jdk-client -o jsonpath='{.data.ca\.crt}' | base64 -d > "${TMPDIR:-/tmp}/meshless-ca.crt"
kubectl -n "$demo_ns" create configmap mesh-ca --from-file=ca.crt="${TMPDIR:-/tmp}/meshless-ca.crt" \
  --dry-run=client -o yaml | kubectl apply -f -
kubectl -n "$demo_ns" delete pod no-cert-caller --ignore-not-found --wait=true
kubectl -n "$demo_ns" apply -f - <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: no-cert-caller
  annotations:
    meshless.io/inject: "false"
spec:
  restartPolicy: Never
  securityContext: {runAsNonRoot: true, runAsUser: 65532, seccompProfile: {type: RuntimeDefault}}
  containers:
    - name: openssl
      image: $registry/meshless-examples:$tag
      imagePullPolicy: IfNotPresent
      command: ["sh", "-c", "printf 'GET / HTTP/1.0\\\\r\\\\n\\\\r\\\\n' | openssl s_client -connect hello.$demo_ns.svc.cluster.local:8443 -CAfile /ca/ca.crt -verify_return_error -quiet 2>&1; echo exit=\$?"]
      securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: ["ALL"]}}
      volumeMounts: [{name: ca, mountPath: /ca}]
  volumes: [{name: ca, configMap: {name: mesh-ca}}]
YAML
pod_done() {
  local phase
  phase="$(kubectl -n "$demo_ns" get pod no-cert-caller -o jsonpath='{.status.phase}')"
  [ "$phase" = "Succeeded" ] || [ "$phase" = "Failed" ]
}
wait_for 120 "the certificate-less caller to finish" pod_done
refused="$(kubectl -n "$demo_ns" logs no-cert-caller)"
echo "$refused"
if echo "$refused" | grep -q "hello spiffe" || echo "$refused" | grep -q "exit=0"; then
  fail "a caller without a certificate was answered"
fi
echo "refused, as it should be."

step "7. rotation: a fresh certificate for hello while the clients keep calling"
serial() { inspect_hello | grep -i -m1 'serial' | tr -s ' '; }
before="$(serial)"
echo "before: $before"
# Deleting the Secret makes the controller issue a new one at once (renewal at 2/3 of the
# lifetime does the same on its own); kubelet then swaps the mounted files (up to ~1-2 min)
# and the agent reloads them without restarting the JVM.
kubectl -n "$demo_ns" delete secret meshless-hello
wait_for 60 "the controller to re-issue meshless-hello" kubectl -n "$demo_ns" get secret meshless-hello
serial_changed() { [ "$(serial)" != "$before" ]; }
wait_for 240 "the rotated certificate to reach hello's pod" serial_changed
echo "after:  $(serial)"
restarts="$(kubectl -n "$demo_ns" get pod "$hello_pod" -o jsonpath='{.status.containerStatuses[0].restartCount}')"
[ "$restarts" = "0" ] || fail "hello restarted during the rotation ($restarts restarts)"
sleep 12   # two more client calls against the new certificate
wait_for 60 "calls after the rotation" client_says_hello jdk-client
kubectl -n "$demo_ns" logs deploy/jdk-client --tail=2
echo "same pod ($hello_pod, 0 restarts), new certificate, calls still succeed."

step "done"
if $keep; then
  echo "cluster '$cluster' left running. Clean up: kind delete cluster --name $cluster"
else
  kind delete cluster --name "$cluster"
fi
