#!/usr/bin/env bash
# Whole-process benchmarks of Meshless, every figure a side-by-side comparison taken in one run.
#
#   benchmarks/run.sh           full run (about 10 minutes): more rounds, longer windows
#   benchmarks/run.sh --quick   within 3 minutes, same measurements with fewer rounds
#   benchmarks/run.sh --only 2,5   only those parts (1 start-up … 6 issuance, 7 first mTLS use, 8 Spring Boot)
#
# Prints one markdown table on stdout (progress goes to stderr) and keeps it, with the raw
# output of every tool, in benchmarks/target/run-<UTC time>/. Loopback only; every loop is
# bounded in count and in time; every process it starts is stopped on exit.
#
# Needs: java 17+, openssl, nginx, haproxy, curl (installed with apt-get when missing and root),
# benchmarks/target/benchmarks.jar, agent/target/meshless-agent.jar,
# injector/target/meshless-injector.jar. A part whose component is not built prints
# "n/a (component missing)" instead of a figure. MESHLESS_AGENT_JAR / MESHLESS_INJECTOR_JAR
# point at other builds of those jars. Part 7 runs on every JDK in MESHLESS_BENCH_JDKS (java homes,
# space-separated; default: the java on the PATH and Temurin 25 when installed) and, when
# MESHLESS_AGENT_JAR_BEFORE names a second agent jar, measures it in the same interleaved rounds.
# Part 8 runs a Spring Boot web application (frameworks/src/test/apps/spring, against the jars of the frameworks
# module's newest Spring Boot set, copied when missing) on the same JDKs.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MODE=full
PARTS="1 2 3 4 5 6 7 8"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) MODE=quick ;;
    --only) [ $# -ge 2 ] || { echo "run.sh: --only needs a list such as 2,5" >&2; exit 2; }
            PARTS="${2//,/ }"; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (use --quick, --only N,M or nothing)" >&2; exit 2 ;;
  esac
  shift
done
want() { [[ " $PARTS " == *" $1 "* ]]; }

if [ "$MODE" = quick ]; then
  STARTUP_N=10; HS_ROUNDS=2; HS_WARM=1; HS_SECS=3; KA_ROUNDS=2; KA_WARM=1; KA_SECS=2
  ROT_SWAPS=20; WH_WARM=5; WH_SECS=3; WH_SLOW=500; ISSUE_SECS=1; FIRST_N=3; SPRING_N=3
else
  STARTUP_N=20; HS_ROUNDS=5; HS_WARM=3; HS_SECS=10; KA_ROUNDS=5; KA_WARM=2; KA_SECS=10
  ROT_SWAPS=20; WH_WARM=5; WH_SECS=20; WH_SLOW=500; ISSUE_SECS=10; FIRST_N=9; SPRING_N=7
fi
SPRING_N="${MESHLESS_BENCH_SPRING_ROUNDS:-$SPRING_N}"
SPRING_SET="$ROOT/frameworks/target/framework-sets/spring-boot-newest/lib"
FIRST_N="${MESHLESS_BENCH_FIRST_ROUNDS:-$FIRST_N}"
# Part 7's fresh connections after start (0 leaves that measurement out: on a loaded machine 400 cold
# handshakes take a minute per JVM).
FIRST_CONNECTIONS="${MESHLESS_BENCH_FIRST_CONNECTIONS:-400}"

BENCH_JAR="$ROOT/benchmarks/target/benchmarks.jar"
AGENT_JAR="${MESHLESS_AGENT_JAR:-$ROOT/agent/target/meshless-agent.jar}"
INJECTOR_JAR="${MESHLESS_INJECTOR_JAR:-$ROOT/injector/target/meshless-injector.jar}"
OUT="$ROOT/benchmarks/target/run-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
WORK="$(mktemp -d /tmp/meshless-bench.XXXXXX)"
PASS=changeit
MISSING="n/a (component missing)"
STARTED=()

log() { echo "[run.sh $(date -u +%T)] $*" >&2; }

cleanup() {
  local pid
  for pid in "${STARTED[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  sleep 0.2
  for pid in "${STARTED[@]:-}"; do
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  done
  # MESHLESS_BENCH_KEEP=1 keeps the certificates and configs for a look afterwards.
  [ "${MESHLESS_BENCH_KEEP:-0}" = 1 ] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# ---------------------------------------------------------------- tools
ensure_tools() {
  local need=() bin
  for bin in openssl nginx haproxy curl; do command -v "$bin" >/dev/null 2>&1 || need+=("$bin"); done
  if [ "${#need[@]}" -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then echo "run.sh: missing ${need[*]} and not root to install them" >&2; exit 1; fi
    log "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq openssl nginx-light haproxy curl >/dev/null
  fi
  command -v java >/dev/null || { echo "run.sh: java not on PATH" >&2; exit 1; }
  if [ ! -f "$BENCH_JAR" ]; then
    log "building benchmarks/target/benchmarks.jar"
    (cd "$ROOT" && ./mvnw -B -q -pl benchmarks -am package -DskipTests) >&2
  fi
}

# A TCP port nothing listens on (other builds share this machine).
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$(( 20000 + RANDOM % 30000 ))
    if ! ss -Hltn "sport = :$p" 2>/dev/null | grep -q .; then echo "$p"; return; fi
  done
  echo "run.sh: no free port found" >&2; exit 1
}

wait_port() { # port seconds [pid: give up as soon as that process has exited]
  local end=$(( $(date +%s) + $2 ))
  while [ "$(date +%s)" -lt "$end" ]; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then return 1; fi
    sleep 0.1
  done
  return 1
}

# key=value field of a tool's output line
field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p" | head -1; }

# numbers on stdin -> "median min max" (median of an even count: mean of the two middle values)
mmm() {
  sort -g | awk '{v[NR]=$1} END {
    if (NR==0) { print "nan nan nan"; exit }
    m = (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2
    printf "%g %g %g\n", m, v[1], v[NR] }'
}
median() { tr ' ' '\n' <<<"$1" | grep . | mmm | cut -d' ' -f1; } # space-separated numbers -> median
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }

# ---------------------------------------------------------------- certificates
# A mesh CA and P-256 SPIFFE leaves made with openssl: independent of the code being measured.
leaf() { # dir sa-name
  local d="$1" sa="$2"
  mkdir -p "$d"
  cat >"$d/ext.cnf" <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=URI:spiffe://cluster.local/ns/bench/sa/$sa,DNS:localhost,IP:127.0.0.1
EOF
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/tls.key" \
    -out "$d/req.csr" -subj "/O=meshless-bench/CN=$sa" 2>/dev/null
  openssl x509 -req -in "$d/req.csr" -CA "$WORK/ca.crt" -CAkey "$WORK/ca.key" \
    -set_serial "0x$(openssl rand -hex 15)" -days 1 -extfile "$d/ext.cnf" -out "$d/tls.crt" 2>/dev/null
  cp "$WORK/ca.crt" "$d/ca.crt"
  rm -f "$d/req.csr" "$d/ext.cnf"
}

make_pki() {
  log "issuing a test CA and P-256 leaves with openssl"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/ca.key" \
    -out "$WORK/ca.crt" -days 2 -subj "/O=meshless-bench/CN=bench mesh CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  leaf "$WORK/client" client
  leaf "$WORK/server" server
  cat "$WORK/server/tls.crt" "$WORK/server/tls.key" >"$WORK/server.pem"
  cat "$WORK/client/tls.crt" "$WORK/client/tls.key" >"$WORK/client.pem"
  # The same client key for hand-configured JSSE, as a PKCS#12 key store and trust store.
  openssl pkcs12 -export -in "$WORK/client/tls.crt" -inkey "$WORK/client/tls.key" -name client \
    -passout "pass:$PASS" -out "$WORK/client.p12"
  openssl pkcs12 -export -in "$WORK/server/tls.crt" -inkey "$WORK/server/tls.key" -name server \
    -passout "pass:$PASS" -out "$WORK/server.p12"
  keytool -importcert -noprompt -alias mesh-ca -file "$WORK/ca.crt" -keystore "$WORK/ca.p12" \
    -storetype PKCS12 -storepass "$PASS" >/dev/null 2>&1
  local i
  if want 4; then for i in $(seq -f %02g 0 "$ROT_SWAPS"); do leaf "$WORK/staged/$i" server; done; fi
}

JDK_TLS=(-Djavax.net.ssl.keyStore="$WORK/client.p12" -Djavax.net.ssl.keyStoreType=PKCS12
  -Djavax.net.ssl.keyStorePassword="$PASS" -Djavax.net.ssl.trustStore="$WORK/ca.p12"
  -Djavax.net.ssl.trustStoreType=PKCS12 -Djavax.net.ssl.trustStorePassword="$PASS")
JDK_TLS_SERVER=(-Djavax.net.ssl.keyStore="$WORK/server.p12" -Djavax.net.ssl.keyStoreType=PKCS12
  -Djavax.net.ssl.keyStorePassword="$PASS" -Djavax.net.ssl.trustStore="$WORK/ca.p12"
  -Djavax.net.ssl.trustStoreType=PKCS12 -Djavax.net.ssl.trustStorePassword="$PASS")
agent_opts() { echo "-javaagent:$AGENT_JAR=cert-dir=$1"; }

# ---------------------------------------------------------------- servers
NGINX_PID=""; NGINX_PLAIN=""; NGINX_TLS=""
start_nginx() {
  NGINX_PLAIN=$(free_port); NGINX_TLS=$(free_port)
  mkdir -p "$WORK/nginx/logs"
  cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  server {
    listen 127.0.0.1:$NGINX_PLAIN;
    location / { return 200 "ok\n"; }
  }
  server {
    listen 127.0.0.1:$NGINX_TLS ssl;
    ssl_certificate $WORK/server/tls.crt;
    ssl_certificate_key $WORK/server/tls.key;
    ssl_client_certificate $WORK/ca.crt;
    ssl_verify_client on;
    ssl_protocols TLSv1.2 TLSv1.3;
    # Every new connection is a full handshake: no session cache, no tickets.
    ssl_session_cache off;
    ssl_session_tickets off;
    location / { return 200 "ok\n"; }
  }
}
EOF
  nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/logs/error.log" &
  NGINX_PID=$!; STARTED+=("$NGINX_PID")
  wait_port "$NGINX_TLS" 10 || { echo "run.sh: nginx did not start" >&2; cat "$WORK/nginx/logs/error.log" >&2; exit 1; }
}
nginx_pids() { echo "$NGINX_PID,$(pgrep -P "$NGINX_PID" | paste -sd, -)"; }

HAP_LOCAL_PID=""; HAP_REMOTE_PID=""; HAP_LOCAL=""
start_sidecars() {
  # Two proxies, as two sidecars: local (plaintext in, mTLS out) and remote (mTLS in, plaintext
  # to the server), each a single-threaded process like an Envoy/linkerd2-proxy with one worker.
  HAP_LOCAL=$(free_port); local remote; remote=$(free_port)
  cat >"$WORK/haproxy-local.cfg" <<EOF
global
  nbthread 1
  maxconn 1000
defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend outbound
  bind 127.0.0.1:$HAP_LOCAL
  default_backend remote_sidecar
backend remote_sidecar
  server remote 127.0.0.1:$remote ssl crt $WORK/client.pem ca-file $WORK/ca.crt verify required sni str(localhost)
EOF
  cat >"$WORK/haproxy-remote.cfg" <<EOF
global
  nbthread 1
  maxconn 1000
defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend inbound
  bind 127.0.0.1:$remote ssl crt $WORK/server.pem ca-file $WORK/ca.crt verify required
  default_backend app
backend app
  server app 127.0.0.1:$NGINX_PLAIN
EOF
  haproxy -db -f "$WORK/haproxy-remote.cfg" >"$WORK/haproxy-remote.log" 2>&1 &
  HAP_REMOTE_PID=$!; STARTED+=("$HAP_REMOTE_PID")
  haproxy -db -f "$WORK/haproxy-local.cfg" >"$WORK/haproxy-local.log" 2>&1 &
  HAP_LOCAL_PID=$!; STARTED+=("$HAP_LOCAL_PID")
  wait_port "$HAP_LOCAL" 10 && wait_port "$remote" 10 \
    || { echo "run.sh: haproxy did not start" >&2; cat "$WORK"/haproxy-*.log >&2; exit 1; }
}

bench() { # main-class args... : runs a load tool, raw output to $OUT/raw.txt, result line on stdout
  local cls="$1"; shift
  local line
  line=$(timeout 120 java -cp "$TOOLS_CP" "io.meshless.benchmarks.process.$cls" "$@" 2>>"$OUT/stderr.txt" | tail -1) || true
  echo "$cls $* => $line" >>"$OUT/raw.txt"
  echo "$line"
}
bench_with() { # jvm-options-array-name main-class args...
  local -n opts="$1"; shift
  local cls="$1"; shift
  local line
  line=$(timeout 120 java "${opts[@]}" -cp "$TOOLS_CP" "io.meshless.benchmarks.process.$cls" "$@" 2>>"$OUT/stderr.txt" | tail -1) || true
  echo "[${opts[*]}] $cls $* => $line" >>"$OUT/raw.txt"
  echo "$line"
}

ROWS=()
row() { ROWS+=("| $1 | $2 | $3 | $4 | $5 | $6 |"); }

# ---------------------------------------------------------------- 1. start-up
part_startup() {
  if [ ! -f "$AGENT_JAR" ]; then row "1 start-up, java Hello" "$MISSING" "" "" "overhead <= 100 ms" "n/a"; return; fi
  log "1/6 start-up: $STARTUP_N x java Hello with and without the agent, interleaved"
  mkdir -p "$WORK/hello"
  (cd "$WORK/hello" && unzip -q -o "$BENCH_JAR" 'io/meshless/benchmarks/process/Hello.class')
  local i t0 t1 plain=() agent=() diffs=() before=() bdiffs=() failed=0 a p b
  for i in $(seq 1 "$STARTUP_N"); do
    if [ -n "$AGENT_JAR_BEFORE" ]; then
      t0=$(date +%s%N)
      java -Xshare:auto "-javaagent:$AGENT_JAR_BEFORE=cert-dir=$WORK/client" -cp "$WORK/hello" io.meshless.benchmarks.process.Hello \
        >/dev/null 2>>"$OUT/stderr.txt" || true
      t1=$(date +%s%N); b=$(( (t1 - t0) / 1000000 )); before+=("$b")
    fi
    t0=$(date +%s%N); java -Xshare:auto -cp "$WORK/hello" io.meshless.benchmarks.process.Hello >/dev/null; t1=$(date +%s%N)
    p=$(( (t1 - t0) / 1000000 )); plain+=("$p")
    t0=$(date +%s%N)
    if ! java -Xshare:auto "$(agent_opts "$WORK/client")" -cp "$WORK/hello" io.meshless.benchmarks.process.Hello \
        >"$WORK/hello.out" 2>>"$OUT/stderr.txt" || ! grep -q hello "$WORK/hello.out"; then failed=$((failed + 1)); fi
    t1=$(date +%s%N)
    a=$(( (t1 - t0) / 1000000 )); agent+=("$a"); diffs+=("$(( a - p ))")
    [ -n "$AGENT_JAR_BEFORE" ] && bdiffs+=("$(( b - p ))")
  done
  echo "startup plain_ms=${plain[*]} agent_ms=${agent[*]} before_ms=${before[*]} failed=$failed" >>"$OUT/raw.txt"
  if [ -n "$AGENT_JAR_BEFORE" ]; then
    local bm bmin bmax pm2
    read -r bm bmin bmax < <(printf '%s\n' "${before[@]}" | mmm)
    read -r pm2 _ _ < <(printf '%s\n' "${plain[@]}" | mmm)
    read -r dm dmin dmax < <(printf '%s\n' "${bdiffs[@]}" | mmm)
    row "1 start-up, java Hello, agent before (ms, median (min-max) of $STARTUP_N)" "$bm ($bmin-$bmax)" "$pm2" \
      "+$dm ms (paired diffs $dmin..$dmax)" "overhead <= 100 ms" ""
  fi
  read -r pm pmin pmax < <(printf '%s\n' "${plain[@]}" | mmm)
  read -r am amin amax < <(printf '%s\n' "${agent[@]}" | mmm)
  read -r dm dmin dmax < <(printf '%s\n' "${diffs[@]}" | mmm)
  local met=missed; [ "$failed" = 0 ] && awk "BEGIN{exit !($dm <= 100)}" && met="met ($dm ms)"
  [ "$failed" != 0 ] && met="missed: $failed of $STARTUP_N agent runs failed"
  row "1 start-up, java Hello (ms, median (min-max) of $STARTUP_N)" "$am ($amin-$amax)" "$pm ($pmin-$pmax)" \
    "+$dm ms (paired diffs $dmin..$dmax)" "overhead <= 100 ms" "$met"
}

# ---------------------------------------------------------------- 2. handshake rate
part_handshake() {
  if [ ! -f "$AGENT_JAR" ]; then row "2 new mTLS connections/s vs nginx" "$MISSING" "" "" ">= 1.0x hand-configured JSSE" "n/a"; return; fi
  log "2/6 handshake rate: agent vs javax.net.ssl.* with the same key, $HS_ROUNDS rounds of ${HS_SECS}s"
  local r agent_r=() jdk_r=() ratios=() fails=0 line_a line_j a j
  local AGENT_OPTS=("$(agent_opts "$WORK/client")")
  for r in $(seq 1 "$HS_ROUNDS"); do
    local args=(--port "$NGINX_TLS" --warmup-seconds "$HS_WARM" --seconds "$HS_SECS")
    if (( r % 2 )); then
      line_j=$(bench_with JDK_TLS HandshakeLoop "${args[@]}"); line_a=$(bench_with AGENT_OPTS HandshakeLoop "${args[@]}")
    else
      line_a=$(bench_with AGENT_OPTS HandshakeLoop "${args[@]}"); line_j=$(bench_with JDK_TLS HandshakeLoop "${args[@]}")
    fi
    a=$(field handshakes_per_s "$line_a"); j=$(field handshakes_per_s "$line_j")
    if [ -z "$a" ] || [ -z "$j" ] || [ "$(field failed "$line_a")" != 0 ] || [ "$(field ok "$line_a")" = 0 ]; then
      row "2 new mTLS connections/s vs nginx" "failed: ${line_a:-no output} (see stderr.txt)" "${j:-?}" "" ">= 1.0x hand-configured JSSE" "missed"
      return
    fi
    agent_r+=("$a"); jdk_r+=("$j"); ratios+=("$(calc "$a / $j" 3)")
  done
  read -r am amin amax < <(printf '%s\n' "${agent_r[@]}" | mmm)
  read -r jm jmin jmax < <(printf '%s\n' "${jdk_r[@]}" | mmm)
  read -r rm rmin rmax < <(printf '%s\n' "${ratios[@]}" | mmm)
  local met; if awk "BEGIN{exit !($rm >= 1.0)}"; then met="met (${rm}x)"; else met="missed by $(calc "(1 - $rm) * 100" 1)%"; fi
  row "2 new mTLS connections/s vs nginx (median (min-max) of $HS_ROUNDS)" "$am ($amin-$amax)" "$jm ($jmin-$jmax)" \
    "${rm}x (${rmin}-${rmax})" ">= 1.0x hand-configured JSSE" "$met"
}

# ---------------------------------------------------------------- 3. keep-alive latency
part_keepalive() {
  log "3/6 keep-alive latency: plaintext, hand-configured JSSE, agent mTLS, two-proxy sidecar path; $KA_ROUNDS rounds of ${KA_SECS}s"
  start_sidecars
  local NONE=(-Dmeshless.bench=plain)
  local AGENT_OPTS=("$(agent_opts "$WORK/client")")
  local r path line p50s p99s
  declare -A P50 P99 RPS CPU
  # jsse: the same TLS with the key configured by hand (javax.net.ssl.*), no agent: what the agent's
  # figure would be if it cost nothing per request (it runs no code on an established connection).
  local paths=(plain jsse sidecar); [ -f "$AGENT_JAR" ] && paths=(plain jsse agent sidecar)
  for r in $(seq 1 "$KA_ROUNDS"); do
    for path in "${paths[@]}"; do
      local common=(--warmup-seconds "$KA_WARM" --seconds "$KA_SECS")
      case "$path" in
        plain) line=$(bench_with NONE KeepAliveLoad --scheme http --port "$NGINX_PLAIN" --pids "$(nginx_pids)" "${common[@]}") ;;
        agent) line=$(bench_with AGENT_OPTS KeepAliveLoad --scheme https --port "$NGINX_TLS" --pids "$(nginx_pids)" "${common[@]}") ;;
        jsse) line=$(bench_with JDK_TLS KeepAliveLoad --scheme https --port "$NGINX_TLS" --pids "$(nginx_pids)" "${common[@]}") ;;
        sidecar) line=$(bench_with NONE KeepAliveLoad --scheme http --port "$HAP_LOCAL" \
                    --pids "$(nginx_pids),$HAP_LOCAL_PID,$HAP_REMOTE_PID" "${common[@]}") ;;
      esac
      if [ -z "$(field p99_us "$line")" ] || [ "$(field failed "$line")" != 0 ]; then
        P50[$path]+="nan "; P99[$path]+="nan "; RPS[$path]+="nan "; CPU[$path]+="nan "
        log "  $path round $r failed: ${line:-no output}"
        continue
      fi
      P50[$path]+="$(field p50_us "$line") "; P99[$path]+="$(field p99_us "$line") "
      RPS[$path]+="$(field rps "$line") "; CPU[$path]+="$(field cpu_us_per_req "$line") "
    done
  done
  stop "$HAP_LOCAL_PID"; stop "$HAP_REMOTE_PID"
  declare -A M
  for path in plain jsse agent sidecar; do
    if [ -z "${P99[$path]:-}" ] || grep -q nan <<<"${P99[$path]}"; then M[$path]=""; continue; fi
    read -r M[$path.p50] _ _ < <(tr ' ' '\n' <<<"${P50[$path]}" | grep . | mmm)
    read -r M[$path.p99] M[$path.p99min] M[$path.p99max] < <(tr ' ' '\n' <<<"${P99[$path]}" | grep . | mmm)
    read -r M[$path.rps] _ _ < <(tr ' ' '\n' <<<"${RPS[$path]}" | grep . | mmm)
    read -r M[$path.cpu] _ _ < <(tr ' ' '\n' <<<"${CPU[$path]}" | grep . | mmm)
    M[$path]=ok
    row "3 keep-alive GET, $path (medians of $KA_ROUNDS rounds)" \
      "p50 ${M[$path.p50]} us, p99 ${M[$path.p99]} us (${M[$path.p99min]}-${M[$path.p99max]})" \
      "${M[$path.rps]} req/s" "${M[$path.cpu]} us CPU/req" "" ""
  done
  if [ ! -f "$AGENT_JAR" ]; then
    row "3 added p99: agent vs two proxies" "$MISSING" "" "" "<= 10% of the proxies' added p99" "n/a"
  elif [ -n "${M[agent]:-}" ] && [ -n "${M[plain]:-}" ] && [ -n "${M[sidecar]:-}" ]; then
    local added_a added_s share met
    added_a=$(calc "${M[agent.p99]} - ${M[plain.p99]}" 1); added_s=$(calc "${M[sidecar.p99]} - ${M[plain.p99]}" 1)
    if awk "BEGIN{exit !($added_s <= 0)}"; then
      # Plaintext's own p99 was above the proxy path's: the tail is the machine's noise, not the path.
      row "3 added p99 over plaintext" "agent +$added_a us" "two proxies +$added_s us" "not a ratio" \
        "<= 10% of the proxies' added p99" "inconclusive (plaintext p99 above the proxy path: noise)"
      return
    fi
    share=$(calc "100 * $added_a / $added_s" 1)
    if awk "BEGIN{exit !($share <= 10)}"; then met="met ($share%)"; else met="missed: $share% (target 10%)"; fi
    local jsse_note=""
    [ -n "${M[jsse]:-}" ] && jsse_note=" (hand-configured JSSE +$(calc "${M[jsse.p99]} - ${M[plain.p99]}" 1) us)"
    row "3 added p99 over plaintext" "agent +$added_a us$jsse_note" "two proxies +$added_s us" "$share%" "<= 10% of the proxies' added p99" "$met"
  else
    row "3 added p99: agent vs two proxies" "failed (see raw.txt)" "" "" "<= 10% of the proxies' added p99" "missed"
  fi
}

# ---------------------------------------------------------------- 4. rotation
part_rotation() {
  if [ ! -f "$AGENT_JAR" ]; then row "4 rotation pickup" "$MISSING" "" "" "<= 1 s, 0 failed" "n/a"; return; fi
  log "4/6 rotation: $ROT_SWAPS kubelet-style swaps under load, server under the agent"
  local port pid line vol="$WORK/rot-volume"
  port=$(free_port)
  java -cp "$TOOLS_CP" io.meshless.benchmarks.process.KubeletVolume "$vol" "$WORK/staged/00"
  java "$(agent_opts "$vol")" -cp "$TOOLS_CP" io.meshless.benchmarks.process.HttpsHelloServer \
    --port "$port" --max-seconds 200 >"$WORK/rot-server.log" 2>&1 &
  pid=$!; STARTED+=("$pid")
  if ! wait_port "$port" 60 "$pid"; then
    row "4 rotation pickup" "failed: server under the agent did not start" "" "" "<= 1 s, 0 failed" "missed"
    cat "$WORK/rot-server.log" >>"$OUT/stderr.txt"; stop "$pid"; return
  fi
  line=$(bench RotationProbe --port "$port" --volume "$vol" --staged "$WORK/staged" --swaps "$ROT_SWAPS" \
    --keystore "$WORK/client.p12" --truststore "$WORK/ca.p12" --password "$PASS" --timeout-seconds 10)
  cat "$WORK/rot-server.log" >>"$OUT/stderr.txt"
  stop "$pid"
  local p50 max missed failed requests met
  p50=$(field pickup_p50_ms "$line"); max=$(field pickup_max_ms "$line"); missed=$(field missed "$line")
  failed=$(field failed "$line"); requests=$(field requests "$line")
  if [ -z "$p50" ]; then row "4 rotation pickup" "failed: ${line:-no output}" "" "" "<= 1 s, 0 failed" "missed"; return; fi
  if [ "$missed" = 0 ] && [ "$failed" = 0 ] && awk "BEGIN{exit !($max <= 1000)}"; then met="met"
  else met="missed: max $max ms, $missed swaps never seen, $failed failed"; fi
  row "4 rotation pickup over $ROT_SWAPS swaps" "p50 $p50 ms, max $max ms" "" \
    "$failed failed of $requests requests; $missed swaps not seen in 10 s" "<= 1 s, 0 failed" "$met"
}

# ---------------------------------------------------------------- 5. webhook
part_webhook() {
  if [ ! -f "$INJECTOR_JAR" ]; then row "5 webhook p99 at 500 rps" "$MISSING" "" "" "<= 5 ms" "n/a"; return; fi
  log "5/6 webhook: 100/500/1000 AdmissionReviews/s for ${WH_SECS}s each, then 100/s beside $WH_SLOW slow connections held by another process (at nice 19, then 0)"
  local port pid lines jvm
  port=$(free_port)
  # The JVM options the image and chart run with (the Dockerfile's default JDK_JAVA_OPTIONS), in a
  # JVM told it has the chart's 256 MiB memory limit as a container would; MESHLESS_INJECTOR_JVM_OPTS
  # replaces both.
  jvm="${MESHLESS_INJECTOR_JVM_OPTS:-$(sed -n 's/^ENV JDK_JAVA_OPTIONS="\(.*\)"$/\1/p' "$ROOT/images/injector/Dockerfile") -XX:MaxRAM=256m}"
  log "  injector JVM options: $jvm"
  # shellcheck disable=SC2086 # options are words
  java $jvm -jar "$INJECTOR_JAR" serve --webhook-only --bind 127.0.0.1 --port "$port" \
    --tls-cert-file "$WORK/server/tls.crt" --tls-key-file "$WORK/server/tls.key" >"$WORK/webhook.log" 2>&1 &
  pid=$!; STARTED+=("$pid")
  if ! wait_port "$port" 60 "$pid"; then
    row "5 webhook" "failed: injector did not start (see stderr.txt)" "" "" "<= 5 ms at 500 rps" "missed"
    cat "$WORK/webhook.log" >>"$OUT/stderr.txt"; stop "$pid"; return
  fi
  lines=$(timeout 300 java -cp "$TOOLS_CP" io.meshless.benchmarks.process.WebhookLoad \
    --url "https://127.0.0.1:$port/mutate" --ca "$WORK/ca.crt" --pid "$pid" \
    --warmup-seconds "$WH_WARM" --seconds "$WH_SECS" --rates 100,500,1000 \
    --slow-connections "$WH_SLOW" --slow-rate 100 2>>"$OUT/stderr.txt") || true
  echo "WebhookLoad => $lines" >>"$OUT/raw.txt"
  cat "$WORK/webhook.log" >>"$OUT/stderr.txt"
  stop "$pid"
  local line rate met
  if [ -z "$lines" ]; then row "5 webhook" "failed: no output (see stderr.txt)" "" "" "<= 5 ms at 500 rps" "missed"; return; fi
  while read -r line; do
    rate=$(field rate "$line"); met=""
    if [ "$rate" = slow ]; then
      # A hostile neighbour holding slow connections must not stop admission (issue 14). The neighbour
      # is another pod: its own process, and at nice 19 its CPU stands apart from the webhook's as a
      # pod on another node (or under its own CPU limit) would; at nice 0 its 500 client handshakes
      # per reconnect storm compete with the webhook and the measuring client for the same 2 cores.
      local nice; nice=$(field nice "$line")
      if [ "$(field slow_open_at_start "$line")" != "$(field slow_connections "$line")" ]; then
        met="missed: only $(field slow_open_at_start "$line") slow connections open"
      elif [ "$nice" = 0 ]; then met="report"
      elif [ "$(field failed "$line")" = 0 ] && awk "BEGIN{exit !($(field p99_ms "$line") <= 10)}"; then met="met"
      else met="missed: p99 $(field p99_ms "$line") ms, $(field failed "$line") failed"; fi
      row "5 webhook at $(field rps "$line") rps beside $(field slow_connections "$line") slow connections (1 byte/s), neighbour at nice $nice" \
        "p50 $(field p50_ms "$line") ms, p99 $(field p99_ms "$line") ms" "RSS $(field rss_mb "$line") MB" \
        "$(field failed "$line") failed of $(field sent "$line"); slow open $(field slow_open_at_start "$line")/$(field slow_open_at_end "$line") (start/end), $(field slow_closed_by_server "$line") closed by the server" \
        "$([ "$nice" = 0 ] || echo "p99 <= 10 ms")" "$met"
      continue
    fi
    if [ "$rate" = 500 ]; then
      if [ "$(field failed "$line")" = 0 ] && awk "BEGIN{exit !($(field p99_ms "$line") <= 5)}"; then met="met"
      else met="missed: p99 $(field p99_ms "$line") ms, $(field failed "$line") failed"; fi
    fi
    row "5 webhook at $rate$([ "$rate" != sequential ] && echo " rps")" "p50 $(field p50_ms "$line") ms, p99 $(field p99_ms "$line") ms" \
      "RSS $(field rss_mb "$line") MB" "$(field failed "$line") failed of $(field sent "$line")" \
      "$([ "$rate" = 500 ] && echo "p99 <= 5 ms")" "$met"
  done <<<"$lines"
}

# ---------------------------------------------------------------- 6. issuance
part_issuance() {
  log "6/6 issuance rate with pki's CertificateAuthority"
  local line
  line=$(timeout 120 java -cp "$BENCH_JAR" io.meshless.benchmarks.process.IssuanceRate --seconds "$ISSUE_SECS" 2>>"$OUT/stderr.txt" | tail -1) || true
  echo "IssuanceRate => $line" >>"$OUT/raw.txt"
  if [ -z "$(field p256_per_s "$line")" ]; then
    row "6 issuance P-256 / RSA-2048" "$MISSING" "" "" ">= 2000 P-256/s" "n/a"; return
  fi
  local p256 rsa rsaca met
  p256=$(field p256_per_s "$line"); rsa=$(field rsa2048_per_s "$line"); rsaca=$(field p256_rsaca_per_s "$line")
  if awk "BEGIN{exit !($p256 >= 2000)}"; then met="met"; else met="missed by $(calc "100 * (1 - $p256 / 2000)" 0)%"; fi
  row "6 issuance (leaf incl. key generation), P-256 CA" "P-256 $p256/s" "RSA-2048 $rsa/s" "" ">= 2000 P-256/s" "$met"
  row "6 issuance, RSA-2048 CA" "P-256 ${rsaca:-n/a}/s" "" "" "" "RSA signature dominates"
}

# ---------------------------------------------------------------- 7. first mTLS use
# One measured JVM: wall ms (date, ns), then user+sys CPU ms and peak RSS MB from wait4 (/usr/bin/time).
# Prints "wall_ms cpu_ms rss_mb <the application's last stdout line>"; "fail ..." when it failed.
timed_java() { # java-binary options-array-name main-class args...
  local javabin="$1"; local -n topts="$2"; local cls="$3"; shift 3
  local t0 t1 line rc=0
  t0=$(date +%s%N)
  line=$(timeout 300 /usr/bin/time -f '%U %S %M' -o "$WORK/time.txt" "$javabin" "${topts[@]}" -cp "$TOOLS_CP" \
    "io.meshless.benchmarks.process.$cls" "$@" --launched-ms "$(( t0 / 1000000 ))" 2>>"$OUT/stderr.txt" | tail -1) || rc=$?
  t1=$(date +%s%N)
  local u s m; read -r u s m < <(tail -1 "$WORK/time.txt")
  echo "[$javabin ${topts[*]}] $cls $* => rc=$rc wall_ms=$(( (t1 - t0) / 1000000 )) user=$u sys=$s maxrss_kb=$m $line" >>"$OUT/raw.txt"
  if [ "$rc" != 0 ] || [ -z "$m" ]; then echo "fail rc=$rc $line"; return; fi
  echo "$(( (t1 - t0) / 1000000 )) $(calc "($u + $s) * 1000" 0) $(calc "$m / 1024" 1) $line"
}

# A warm FirstRequestProbe (hand-configured JSSE) on a fresh port, waiting for a server to be started there:
# sets PROBE_PORT and PROBE_PID (call it in the subshell that measures). $1: its read timeout in ms.
start_probe() {
  local ready="$WORK/probe.ready"
  # Below the ephemeral range: the probe connects to this port in a tight loop before anything listens,
  # and a connect to a port the kernel can also pick as the source port may connect to itself.
  PROBE_PORT=$(free_port)
  while [ "$PROBE_PORT" -ge "$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range)" ]; do PROBE_PORT=$(free_port); done
  rm -f "$ready"
  java "${JDK_TLS[@]}" -cp "$TOOLS_CP" io.meshless.benchmarks.process.FirstRequestProbe --port "$PROBE_PORT" \
    --warm-port "$NGINX_TLS" --ready-file "$ready" --max-seconds 240 --timeout-ms "${1:-5000}" \
    >"$WORK/probe.out" 2>>"$OUT/stderr.txt" &
  PROBE_PID=$!; STARTED+=("$PROBE_PID")
  local end=$(( $(date +%s) + 120 ))
  while [ ! -f "$ready" ] && kill -0 "$PROBE_PID" 2>/dev/null && [ "$(date +%s)" -lt "$end" ]; do sleep 0.05; done
}

# The server variant: the probe (hand-configured JSSE, warm) waits for the server's first served request.
timed_server() { # java-binary options-array-name
  local javabin="$1" optsname="$2"
  local port probe_pid t0 t1 line rc=0 served
  start_probe; port=$PROBE_PORT; probe_pid=$PROBE_PID
  local -n sopts="$optsname"
  t0=$(date +%s%N)
  timeout 300 /usr/bin/time -f '%U %S %M' -o "$WORK/time.txt" "$javabin" "${sopts[@]}" -cp "$TOOLS_CP" \
    io.meshless.benchmarks.process.FirstTlsUseServer --port "$port" --max-seconds 240 >/dev/null 2>>"$OUT/stderr.txt" || rc=$?
  t1=$(date +%s%N)
  wait "$probe_pid" 2>/dev/null || true
  line=$(tail -1 "$WORK/probe.out" 2>/dev/null)
  served=$(field served_at_ms "$line")
  local u s m; read -r u s m < <(tail -1 "$WORK/time.txt")
  echo "[$javabin ${sopts[*]}] FirstTlsUseServer => rc=$rc wall_ms=$(( (t1 - t0) / 1000000 )) user=$u sys=$s maxrss_kb=$m probe: $line" >>"$OUT/raw.txt"
  if [ "$rc" != 0 ] || [ -z "$served" ] || [ -z "$m" ]; then echo "fail rc=$rc $line"; return; fi
  echo "$(( served - t0 / 1000000 )) $(calc "($u + $s) * 1000" 0) $(calc "$m / 1024" 1)"
}

first_use_jdks() {
  if [ -n "${MESHLESS_BENCH_JDKS:-}" ]; then echo "$MESHLESS_BENCH_JDKS"; return; fi
  local homes; homes="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ] && homes="$homes /usr/lib/jvm/temurin-25-jdk-amd64"
  echo "$homes"
}

signed() { awk "BEGIN { v = $1; printf \"%s%s\", (v >= 0 ? \"+\" : \"\"), \"$1\" }"; }
declare -A W C M
part_first_use() {
  if [ ! -f "$AGENT_JAR" ]; then row "7 first mTLS use" "$MISSING" "" "" "<= +150 ms, +250 ms CPU, +20 MB" "n/a"; return; fi
  local home jdk variants=(agent jsse) v r i
  [ -n "$AGENT_JAR_BEFORE" ] && variants=(before agent jsse)
  for home in $(first_use_jdks); do
    jdk=$("$home/bin/java" -version 2>&1 | sed -n '1s/.*version "\([^"]*\)".*/\1/p')
    log "7/7 first mTLS use on $jdk: $FIRST_N interleaved rounds of ${variants[*]} (client, server, $FIRST_CONNECTIONS connections)"
    W=(); C=(); M=()
    local CLIENT_agent=("-javaagent:$AGENT_JAR=cert-dir=$WORK/client") SERVER_agent=("-javaagent:$AGENT_JAR=cert-dir=$WORK/server")
    local CLIENT_before=("-javaagent:$AGENT_JAR_BEFORE=cert-dir=$WORK/client") SERVER_before=("-javaagent:$AGENT_JAR_BEFORE=cert-dir=$WORK/server")
    local CLIENT_jsse=("${JDK_TLS[@]}") SERVER_jsse=("${JDK_TLS_SERVER[@]}")
    for r in $(seq 1 "$FIRST_N"); do
      local order=("${variants[@]}")
      (( r % 2 )) || order=($(printf '%s\n' "${variants[@]}" | tac))
      for v in "${order[@]}"; do
        local out wall cpu rss rest
        out=$(timed_java "$home/bin/java" "CLIENT_$v" FirstTlsUseClient --port "$NGINX_TLS" --connections 1)
        read -r wall cpu rss rest <<<"$out"
        if [ "$wall" = fail ] || [ "$(field failed "$rest")" != 0 ]; then W[c.$v]+="nan "; log "  client $v failed: $out"
        else W[c.$v]+="$(field first_ms "$rest") "; W[cp.$v]+="$wall "; C[c.$v]+="$cpu "; M[c.$v]+="$rss "; fi
        out=$(timed_server "$home/bin/java" "SERVER_$v")
        read -r wall cpu rss rest <<<"$out"
        if [ "$wall" = fail ]; then W[s.$v]+="nan "; log "  server $v failed: $out"
        else W[s.$v]+="$wall "; C[s.$v]+="$cpu "; M[s.$v]+="$rss "; fi
        [ "$FIRST_CONNECTIONS" -gt 0 ] || continue
        out=$(timed_java "$home/bin/java" "CLIENT_$v" FirstTlsUseClient --port "$NGINX_TLS" --connections "$FIRST_CONNECTIONS")
        read -r wall cpu rss rest <<<"$out"
        if [ "$wall" = fail ] || [ "$(field failed "$rest")" != 0 ]; then W[n.$v]+="nan "; log "  400 connections $v failed: $out"
        else W[n.$v]+="$(field per_s "$rest") "; W[nr.$v]+="$(field rest_per_s "$rest") "; fi
      done
    done
    local kind label base cmp
    for v in "${variants[@]}"; do
      [ "$v" = jsse ] && continue
      for kind in c s; do
        [ "$kind" = c ] && label="first mTLS handshake (client, SSLSocketFactory.getDefault)" || label="first served mTLS request (server)"
        if grep -q nan <<<"${W[$kind.$v]} ${W[$kind.jsse]}"; then
          row "7 $label, $jdk, $v" "failed (see raw.txt)" "" "" "" "missed"; continue
        fi
        local aw j jw amin amax jmin jmax ac jc am jm
        read -r aw amin amax < <(tr ' ' '\n' <<<"${W[$kind.$v]}" | grep . | mmm)
        read -r jw jmin jmax < <(tr ' ' '\n' <<<"${W[$kind.jsse]}" | grep . | mmm)
        read -r ac _ _ < <(tr ' ' '\n' <<<"${C[$kind.$v]}" | grep . | mmm)
        read -r jc _ _ < <(tr ' ' '\n' <<<"${C[$kind.jsse]}" | grep . | mmm)
        read -r am _ _ < <(tr ' ' '\n' <<<"${M[$kind.$v]}" | grep . | mmm)
        read -r jm _ _ < <(tr ' ' '\n' <<<"${M[$kind.jsse]}" | grep . | mmm)
        local dw dc dm met="met"
        dw=$(calc "$aw - $jw" 0); dc=$(calc "$ac - $jc" 0); dm=$(calc "$am - $jm" 1)
        awk "BEGIN{exit !($dw <= 150 && $dc <= 250 && $dm <= 20)}" || met="missed"
        row "7 $label, $jdk, $v (median (min-max) of $FIRST_N)" \
          "$aw ms ($amin-$amax), CPU $ac ms, RSS $am MB" "$jw ms ($jmin-$jmax), CPU $jc ms, RSS $jm MB" \
          "$(signed "$dw") ms, $(signed "$dc") ms CPU, $(signed "$dm") MB" "<= +150 ms, +250 ms CPU, +20 MB" "$met"
      done
      [ "$FIRST_CONNECTIONS" -gt 0 ] || continue
      if grep -q nan <<<"${W[n.$v]} ${W[n.jsse]}"; then row "7 $FIRST_CONNECTIONS fresh connections after start, $jdk, $v" "failed" "" "" ">= 1.0x" "missed"; continue; fi
      local an jn anr jnr
      read -r an _ _ < <(tr ' ' '\n' <<<"${W[n.$v]}" | grep . | mmm)
      read -r jn _ _ < <(tr ' ' '\n' <<<"${W[n.jsse]}" | grep . | mmm)
      read -r anr _ _ < <(tr ' ' '\n' <<<"${W[nr.$v]}" | grep . | mmm)
      read -r jnr _ _ < <(tr ' ' '\n' <<<"${W[nr.jsse]}" | grep . | mmm)
      local ratio; ratio=$(calc "$an / $jn" 3)
      local met2; if awk "BEGIN{exit !($ratio >= 1.0)}"; then met2="met (${ratio}x)"; else met2="missed (${ratio}x)"; fi
      row "7 $FIRST_CONNECTIONS fresh mTLS connections right after start, $jdk, $v (conn/s from getDefault(), median of $FIRST_N)" \
        "$an/s (after the first: $anr/s)" "$jn/s (after the first: $jnr/s)" "${ratio}x ($(calc "$anr / $jnr" 3)x after the first)" ">= 1.0x" "$met2"
    done
  done
}

# ---------------------------------------------------------------- 8. Spring Boot first served request
# Spring Boot (Tomcat) configured from the mounted files with server.ssl.* (certificate, private key, trust
# certificate, client-auth=need), with the agent (which adopts that material) and without it (hand-configured):
# time from JVM launch to the first served mTLS request, seen by the probe, with the process's CPU and peak RSS.
spring_app() { # prints the application's class path, building it when missing; empty when it cannot
  if [ ! -d "$SPRING_SET" ] || ! ls "$SPRING_SET"/spring-boot-*.jar >/dev/null 2>&1; then
    log "copying the Spring Boot jars (frameworks, set spring-boot-newest)"
    (cd "$ROOT" && ./mvnw -B -q -pl frameworks dependency:copy@spring-boot-newest) >&2 || return 0
  fi
  local classes="$WORK/spring-app" src="$ROOT/frameworks/src/test/apps"
  mkdir -p "$classes"
  # shellcheck disable=SC2046 # file names are words
  javac --release 17 -nowarn -d "$classes" -cp "$SPRING_SET/*" \
    $(find "$src/common" "$src/spring" -name '*.java') >&2 || return 0
  echo "$classes:$SPRING_SET/*"
}

timed_spring() { # java-binary variant(agent|hand) class-path: prints "wall_ms cpu_ms rss_mb" or "fail ..."
  local javabin="$1" v="$2" cp="$3"
  local port probe_pid t0 pid line rc=0 served opts=()
  # Tomcat accepts connections before it has built its SSL context (where the agent installs): the probe waits.
  start_probe 120000; port=$PROBE_PORT; probe_pid=$PROBE_PID
  rm -f "$WORK/spring.in"
  [ "$v" = agent ] && opts=("-javaagent:$AGENT_JAR=cert-dir=$WORK/server")
  # The application runs until its stdin closes (after the probe was served): a fifo held open meanwhile.
  mkfifo "$WORK/spring.in"
  t0=$(date +%s%N)
  timeout 300 /usr/bin/time -f '%U %S %M' -o "$WORK/time.txt" "$javabin" "${opts[@]}" -cp "$cp" \
    io.meshless.frameworks.apps.spring.SpringBootServerApp --server.address=127.0.0.1 --server.port="$port" \
    --spring.main.banner-mode=off --server.ssl.certificate="$WORK/server/tls.crt" \
    --server.ssl.certificate-private-key="$WORK/server/tls.key" --server.ssl.trust-certificate="$WORK/ca.crt" \
    --server.ssl.client-auth=need <"$WORK/spring.in" >"$WORK/spring.out" 2>>"$OUT/stderr.txt" &
  pid=$!; STARTED+=("$pid")
  exec 7>"$WORK/spring.in"
  wait "$probe_pid" 2>/dev/null || true
  exec 7>&-
  wait "$pid" 2>/dev/null || rc=$?
  line=$(tail -1 "$WORK/probe.out" 2>/dev/null)
  served=$(field served_at_ms "$line")
  local u s m; read -r u s m < <(tail -1 "$WORK/time.txt")
  echo "[$javabin $v] SpringBootServerApp => rc=$rc user=$u sys=$s maxrss_kb=$m probe: $line" >>"$OUT/raw.txt"
  if [ -z "$served" ] || [ -z "$m" ]; then echo "fail rc=$rc $line"; return; fi
  echo "$(( served - t0 / 1000000 )) $(calc "($u + $s) * 1000" 0) $(calc "$m / 1024" 1)"
}

part_spring_boot() {
  local label="8 Spring Boot web app (Tomcat, server.ssl.* from the mounted files), first served mTLS request"
  if [ ! -f "$AGENT_JAR" ]; then row "$label" "$MISSING" "" "" "report" "n/a"; return; fi
  local cp; cp=$(spring_app)
  if [ -z "$cp" ]; then row "$label" "$MISSING (Spring Boot jars)" "" "" "report" "n/a"; return; fi
  local home jdk r v
  for home in $(first_use_jdks); do
    jdk=$("$home/bin/java" -version 2>&1 | sed -n '1s/.*version "\([^"]*\)".*/\1/p')
    log "8/8 Spring Boot first served request on $jdk: $SPRING_N interleaved rounds, agent and hand-configured"
    local -A SW=() SC=() SM=()
    for r in $(seq 1 "$SPRING_N"); do
      local order=(agent hand); (( r % 2 )) || order=(hand agent)
      for v in "${order[@]}"; do
        local out wall cpu rss
        out=$(timed_spring "$home/bin/java" "$v" "$cp")
        read -r wall cpu rss <<<"$out"
        if [ "$wall" = fail ]; then SW[$v]+="nan "; log "  spring boot $v failed: $out"
        else SW[$v]+="$wall "; SC[$v]+="$cpu "; SM[$v]+="$rss "; fi
      done
    done
    if grep -q nan <<<"${SW[agent]} ${SW[hand]}"; then row "$label, $jdk" "failed (see raw.txt)" "" "" "report" "missed"; continue; fi
    local aw amin amax hw hmin hmax ac hc am hm
    read -r aw amin amax < <(tr ' ' '\n' <<<"${SW[agent]}" | grep . | mmm)
    read -r hw hmin hmax < <(tr ' ' '\n' <<<"${SW[hand]}" | grep . | mmm)
    ac=$(median "${SC[agent]}"); hc=$(median "${SC[hand]}"); am=$(median "${SM[agent]}"); hm=$(median "${SM[hand]}")
    row "$label, $jdk (median (min-max) of $SPRING_N)" "$aw ms ($amin-$amax), CPU $ac ms, RSS $am MB" \
      "$hw ms ($hmin-$hmax), CPU $hc ms, RSS $hm MB" \
      "$(signed "$(calc "$aw - $hw" 0)") ms, $(signed "$(calc "$ac - $hc" 0)") ms CPU, $(signed "$(calc "$am - $hm" 1)") MB" \
      "report (issue 13)" "reported"
  done
}

# ---------------------------------------------------------------- main
START=$(date +%s)
ensure_tools
# Measure copies: a jar rebuilt half-way through a run would otherwise mix two builds.
mkdir -p "$WORK/jars"
cp "$BENCH_JAR" "$WORK/jars/benchmarks.jar"; BENCH_JAR="$WORK/jars/benchmarks.jar"
# The load tools and servers run from their own classes only: benchmarks.jar also holds the pki and
# agent classes (for JMH), and on a JVM's class path those would be found before the agent jar's
# own and silently replace the code under test.
TOOLS_CP="$WORK/tools"
mkdir -p "$TOOLS_CP" && (cd "$TOOLS_CP" && unzip -q -o "$BENCH_JAR" 'io/meshless/benchmarks/process/*' 'io/meshless/commandline/*')
if [ -f "$AGENT_JAR" ]; then cp "$AGENT_JAR" "$WORK/jars/meshless-agent.jar"; AGENT_JAR="$WORK/jars/meshless-agent.jar"; fi
AGENT_JAR_BEFORE=""
if [ -n "${MESHLESS_AGENT_JAR_BEFORE:-}" ]; then
  cp "$MESHLESS_AGENT_JAR_BEFORE" "$WORK/jars/meshless-agent-before.jar"; AGENT_JAR_BEFORE="$WORK/jars/meshless-agent-before.jar"
fi
if [ -f "$INJECTOR_JAR" ]; then cp "$INJECTOR_JAR" "$WORK/jars/meshless-injector.jar"; INJECTOR_JAR="$WORK/jars/meshless-injector.jar"; fi
cd "$WORK"   # crash files (hs_err_pid*.log) of a failing JVM land here, not in the work tree
make_pki
start_nginx
want 1 && part_startup
want 2 && part_handshake
want 3 && part_keepalive
want 4 && part_rotation
want 5 && part_webhook
want 6 && part_issuance
want 7 && part_first_use
want 8 && part_spring_boot
stop "$NGINX_PID"

{
  echo "Meshless benchmarks ($MODE), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs" \
    "($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), load average $(cut -d' ' -f1-3 /proc/loadavg)," \
    "$(java -version 2>&1 | head -1), $(( $(date +%s) - START )) s"
  echo
  echo "| measure | meshless | baseline | comparison | target | result |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
} | tee "$OUT/table.md"
log "raw output in $OUT"
