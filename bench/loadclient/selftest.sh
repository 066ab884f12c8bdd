#!/usr/bin/env bash
# Proves the load client against the real servers, as root: our gateway (bearer token) and Debian's ocserv 1.1.6
# (password), each in a fresh server namespace joined by a veth to a client namespace; both serve the same
# ECDSA P-256 certificate. Per server: --mode logins for LOGIN_DUR s at LOGIN_CONCURRENCY, then --mode hold with
# SESSIONS sessions, the server's memory (PSS of the gateway JVM; sum of PSS of ocserv and its children) read before
# and 3 s after established=N.
#   client 10.79.1.2 --veth-- 10.79.1.1 server
# Usage: sudo bench/loadclient/selftest.sh    env: SYSTEMS="gateway ocserv" SESSIONS=600 LOGIN_DUR=10
#        LOGIN_CONCURRENCY=8 GATEWAY_JAVA_OPTS (default -Xms256m -Xmx256m) KEEP=1 (keep the work dir)
set -euo pipefail
SYSTEMS=${SYSTEMS:-gateway ocserv}; SESSIONS=${SESSIONS:-600}; LOGIN_DUR=${LOGIN_DUR:-10}
LOGIN_CONCURRENCY=${LOGIN_CONCURRENCY:-8}; RAMP=${RAMP:-100}
export GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS:--Xms256m -Xmx256m}
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
. "$root/bench/lib/ocserv.sh"
id="$$-$RANDOM"; C="tgwl-c-$id"; S="tgwl-s-$id"
work=$(mktemp -d -t tgwl.XXXXXX); chmod 755 "$work"; PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done; kill -KILL "$p" 2>/dev/null || true; done
  for n in "$C" "$S"; do ip netns del "$n" 2>/dev/null || true; done
  if [ -n "${KEEP:-}" ]; then echo "work dir kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT; trap 'exit 130' INT TERM
for n in "$C" "$S"; do ip netns add "$n"; ip -n "$n" link set lo up; done
ip link add "lc$$" netns "$C" type veth peer name "ls$$" netns "$S"
ip -n "$C" addr add 10.79.1.2/24 dev "lc$$"; ip -n "$C" link set "lc$$" up
ip -n "$S" addr add 10.79.1.1/24 dev "ls$$"; ip -n "$S" link set "ls$$" up

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=10.79.1.1 \
  -addext subjectAltName=IP:10.79.1.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
pin=$(openssl x509 -in "$work/cert.pem" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
"$here/run.sh" --help >/dev/null 2>&1 || true   # builds the client once, outside the measurements

# PSS, not RSS: ocserv's workers share most pages with their parent, summing RSS would count them once per worker.
pss_kb() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }
tree_pss_kb() { local s=0 p; for p in $1 $(pgrep -P "$1" || true); do s=$((s + $(pss_kb "$p"))); done; echo $s; }
SERVER=""
gateway_start() {
  cat > "$work/gw.yaml" <<YAML
network: 10.79.100.0/22
tls: { certificateFile: "$work/cert.pem", privateKeyFile: "$work/key.pem" }
tun: { name: "tgwl%d" }
nat: { enabled: false }
state: { directory: "$work/state" }
metrics: { listen: "127.0.0.1:9419" }
YAML
  ip netns exec "$S" "$root/bin/gateway" run --config "$work/gw.yaml" > "$work/gateway.log" 2>&1 & SERVER=$!; PIDS+=("$SERVER")
  for _ in $(seq 150); do grep -q "gateway ready" "$work/gateway.log" && break; sleep 0.2; done
  grep -q "gateway ready" "$work/gateway.log" || { cat "$work/gateway.log"; exit 1; }
  "$root/bin/gateway" token --config "$work/gw.yaml" --user loadclient | tr -d '\n' > "$work/token"
  AUTH="token:$work/token"; MEMPID=$SERVER
}
gateway_stop() { kill -TERM "$SERVER"; wait "$SERVER" 2>/dev/null || true; }
ocserv_start() {
  printf 'bench-pass\nbench-pass\n' | ocpasswd -c "$work/passwd" bench
  { ocserv_base_conf "$work" 10.79.1.1 "$work/cert.pem" "$work/key.pem" tgwlv 10.79.100.0 255.255.252.0 0
    cat <<CONF
keepalive = 32400
dpd = 90
auth-timeout = 240
CONF
  } > "$work/ocserv.conf"
  ip netns exec "$S" ocserv -f -d 1 -c "$work/ocserv.conf" > "$work/ocserv.log" 2>&1 & SERVER=$!; PIDS+=("$SERVER")
  for _ in $(seq 50); do ip netns exec "$S" ss -lnt | grep -q '10.79.1.1:443' && break; sleep 0.1; done
  sleep 0.5; AUTH="password:bench:bench-pass"; MEMPID=$SERVER
}
ocserv_stop() { kill -TERM "$SERVER"; wait "$SERVER" 2>/dev/null || true; }

results=()
for s in $SYSTEMS; do
  "${s}_start"
  lc=(ip netns exec "$C" "$here/run.sh" --server 10.79.1.1:443 --pin-sha256 "$pin" --auth "$AUTH")
  "${lc[@]}" --mode logins --concurrency "$LOGIN_CONCURRENCY" --duration "$LOGIN_DUR" < /dev/null > "$work/$s-logins.log" 2>&1 || true
  cat "$work/$s-logins.log" >&2
  rate=$(sed -n 's/^logins_per_sec=//p' "$work/$s-logins.log"); fails=$(sed -n 's/^failures=//p' "$work/$s-logins.log")
  sleep 3; before=$(tree_pss_kb "$MEMPID")
  mkfifo "$work/$s-hold.in"; exec {fd}<> "$work/$s-hold.in"
  "${lc[@]}" --mode hold --sessions "$SESSIONS" --ramp "$RAMP" < "$work/$s-hold.in" {fd}>&- > "$work/$s-hold.log" 2>&1 & hold=$!; PIDS+=("$hold")
  for _ in $(seq 1200); do grep -q '^established' "$work/$s-hold.log" && break; kill -0 "$hold" 2>/dev/null || break; sleep 0.25; done
  n=$(sed -n 's/^established=//p' "$work/$s-hold.log")
  sleep 3; after=$(tree_pss_kb "$MEMPID")
  exec {fd}>&-   # stdin EOF: the client disconnects every session and exits
  wait "$hold" && hold_rc=0 || hold_rc=$?
  cat "$work/$s-hold.log" >&2
  per=$(awk -v a="$before" -v b="$after" -v n="${n:-0}" 'BEGIN { if (n > 0) printf "%.1f", (b - a) / n; else print "n/a" }')
  results+=("$s: logins_per_sec=$rate failures=$fails (concurrency $LOGIN_CONCURRENCY, ${LOGIN_DUR}s); hold: established=${n:-0} of $SESSIONS, exit $hold_rc; PSS before ${before} kB after ${after} kB => ${per} kB/session")
  "${s}_stop"
done
echo "host: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "${results[@]}"
