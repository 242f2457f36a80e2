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
    --trust-domain "$TRUST_DOMAIN" --out "$WORK/$sa" --kubelet
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
EXAMPLES="$ROOT/examples/src/main/java/io/meshless/examples"
SERVER_PID=""
stop_server() { if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; fi; }

# wait_for_line FILE TEXT: bounded wait (60 s) until FILE contains TEXT.
wait_for_line() {
  local file="$1" text="$2" i
  for i in $(seq 1 240); do
    if grep -q -- "$text" "$file" 2>/dev/null; then return 0; fi
    sleep 0.25
  done
  echo "demo: '$text' did not appear in $file:" >&2
  cat "$file" >&2
  return 1
}

# call_checkout: the unmodified java.net.http client under the agent, as spiffe://.../sa/orders.
# Keeps the output in $WORK/last-call.txt, to read the server serial the client was shown.
call_checkout() {
  show env TARGET_URL="https://localhost:$PORT/" COUNT=1 \
    java -javaagent:"$JAR"=cert-dir="$WORK/orders" "$EXAMPLES/JdkHttpClientApp.java" | tee "$WORK/last-call.txt"
}
seen_serial() { sed -n 's/.*server certificate: serial \([0-9a-f]*\).*/\1/p' "$WORK/last-call.txt"; }

agent_demo() {
  PORT="${MESHLESS_DEMO_PORT:-18443}"
  trap stop_server EXIT

  step "6. An unmodified HTTPS server (JDK HttpsServer, default SSLContext) under the agent, as checkout"
  echo "\$ PORT=$PORT java -javaagent:$JAR=cert-dir=$WORK/checkout $EXAMPLES/HelloServer.java &"
  PORT="$PORT" java -javaagent:"$JAR"=cert-dir="$WORK/checkout" "$EXAMPLES/HelloServer.java" \
    >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  wait_for_line "$WORK/server.log" "listening on"
  cat "$WORK/server.log"

  step "7. An unmodified client (java.net.http) under the agent, as orders: mTLS, the server names the caller"
  echo "(it calls https://localhost:$PORT/; no certificate names that host for the mesh: secure naming by SPIFFE ID)"
  call_checkout
  local before; before=$(seen_serial)
  grep "installed" "$WORK/server.log" | sed 's/^/server log: /'

  step "8. Kubelet-style rotation of the server's certificate (atomic ..data swap), server keeps running"
  issue_identity shop checkout
  wait_for_line "$WORK/server.log" "rotated to"
  grep "rotated to" "$WORK/server.log" | sed 's/^/server log: /'
  call_checkout
  local after; after=$(seen_serial)
  if [ -z "$after" ] || [ "$after" = "$before" ]; then
    echo "demo: the next call still saw server serial '${after}' (before the rotation: '$before')" >&2
    exit 1
  fi
  echo "(the next call saw the new server certificate: serial $after, was $before; no restart)"

  step "9. The same client WITHOUT the agent is refused (no mesh trust, no client certificate)"
  if show env TARGET_URL="https://localhost:$PORT/" COUNT=1 java "$EXAMPLES/JdkHttpClientApp.java"; then
    echo "demo: a client without the agent was served" >&2
    exit 1
  fi
  echo "(refused, exit code 1, as expected)"
  stop_server
}

main() {
  command -v java >/dev/null 2>&1 || { echo "demo: java (17 or newer) is required" >&2; exit 1; }
  build_jar
  pki_walkthrough
  agent_demo
  step "Done. Work files are in $WORK"
}

main "$@"
