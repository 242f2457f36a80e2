#!/usr/bin/env bash
# Meshless local demo: no cluster, no Docker, only a JDK (17+) and this repository.
#
#   examples/demo.sh            run the demo (builds agent/target/meshless-agent.jar if missing)
#
# Work files go to ./demo-work (gitignored), or $MESHLESS_DEMO_WORK if set; each run starts afresh.
#
# Layout of this script:
#   Part 1 (pki_walkthrough): the command line - a mesh CA, two workload identities in the
#          Kubernetes Secret layout (published as kubelet does), inspected and checked.
#   Part 2 (agent_demo):      two unmodified JVMs under the -javaagent talking mTLS, then a
#          kubelet-style rotation of the server's certificate. Reuses Part 1's helpers:
#          issue_identity (re-run it on a directory to rotate: atomic ..data swap) and meshless.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/agent/target/meshless-agent.jar"
WORK="${MESHLESS_DEMO_WORK:-$ROOT/demo-work}"
TRUST_DOMAIN="cluster.local"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
show() { printf '$'; printf ' %q' "$@"; printf '\n'; "$@"; }

# The command line, as users run it.
meshless() { java -jar "$JAR" "$@"; }

build_jar() {
  if [ ! -f "$JAR" ]; then
    step "Building the agent jar (first run only)"
    (cd "$ROOT" && ./mvnw -B -q -DskipTests package -pl agent -am)
  fi
}

# issue_identity NAMESPACE SERVICE_ACCOUNT: (re)issues spiffe://$TRUST_DOMAIN/ns/NS/sa/SA into
# $WORK/SA, published like a kubelet-mounted Secret. Running it again on the same directory is a
# rotation: new ..<timestamp> directory, atomic ..data swap, old generation removed.
issue_identity() {
  local ns="$1" sa="$2"
  show meshless issue --ca "$WORK/ca" --namespace "$ns" --service-account "$sa" \
    --trust-domain "$TRUST_DOMAIN" --dns localhost --ip 127.0.0.1 --out "$WORK/$sa" --kubelet
}

# ---------------------------------------------------------------------------------------------
# Part 1: the command line
# ---------------------------------------------------------------------------------------------
pki_walkthrough() {
  rm -rf "$WORK"
  mkdir -p "$WORK"

  step "1. A mesh CA (in Kubernetes the injector keeps it in a Secret)"
  show meshless ca create --out "$WORK/ca" --name "Demo Mesh CA"

  step "2. Two workload identities, each in the kubernetes.io/tls Secret layout"
  issue_identity shop orders
  issue_identity shop checkout
  ls -la "$WORK/orders"

  step "3. Inspect them: identity, serial, validity, key, chain and bundle check"
  show meshless inspect "$WORK/orders"
  show meshless inspect "$WORK/checkout"

  step "4. What an agent configured with cert-dir=$WORK/orders would load"
  export MESHLESS_CERT_DIR="$WORK/orders"
  echo "(MESHLESS_CERT_DIR=$MESHLESS_CERT_DIR)"
  show meshless status
  unset MESHLESS_CERT_DIR

  step "5. A certificate from another CA does not verify against the mesh bundle"
  show meshless ca create --out "$WORK/foreign-ca" --name "Foreign CA"
  show meshless issue --ca "$WORK/foreign-ca" --namespace shop --service-account orders --out "$WORK/intruder"
  if show meshless inspect "$WORK/intruder/tls.crt" --bundle "$WORK/ca/ca.crt"; then
    echo "demo: a certificate from a foreign CA was accepted" >&2
    exit 1
  fi
  echo "(refused, exit code 1, as expected)"
}

# ---------------------------------------------------------------------------------------------
# Part 2: the agent (owned by the agent engineer; see issue 3, "The local demo")
# ---------------------------------------------------------------------------------------------
agent_demo() {
  step "Part 2 (two JVMs under the agent, rotation) is not part of this demo yet"
}

main() {
  command -v java >/dev/null 2>&1 || { echo "demo: java (17 or newer) is required" >&2; exit 1; }
  build_jar
  pki_walkthrough
  agent_demo
  step "Done. Work files are in $WORK"
}

main "$@"
