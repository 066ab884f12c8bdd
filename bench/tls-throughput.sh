#!/usr/bin/env bash
# Measures the gateway's data channels with the real openconnect client, as root:
# time from starting openconnect to the tunnel being up (median of N connects), and iperf3 TCP throughput
# up and down through the tunnel to an internal host behind PAT, first TLS only (openconnect --no-dtls), then
# with DTLS (the default), in the same run. Three namespaces made and removed here:
#   client 10.77.1.2 --veth-- 10.77.1.1 gateway 10.77.2.1 --veth-- 10.77.2.2 internal (iperf3 -s)
# Usage: sudo bench/tls-throughput.sh    env: DUR=10 CONNECTS=10
# The full side-by-side comparison with ocserv is issue 5's harness; this is the quick single-system figure.
set -euo pipefail
DUR=${DUR:-10}; CONNECTS=${CONNECTS:-10}
root="$(cd "$(dirname "$0")/.." && pwd)"
id="$$-$RANDOM"; C="tgwb-c-$id"; G="tgwb-g-$id"; I="tgwb-i-$id"
work=$(mktemp -d -t tgwb.XXXXXX); PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -INT "$p" 2>/dev/null || true; done; sleep 1
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; sleep 2
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  for n in "$C" "$G" "$I"; do ip netns del "$n" 2>/dev/null || true; done
  [ -n "${KEEP:-}" ] && cp -r "$work" /tmp/tgwb-keep; rm -rf "$work"
}
trap cleanup EXIT; trap 'exit 130' INT TERM
for n in "$C" "$G" "$I"; do ip netns add "$n"; ip -n "$n" link set lo up; done
ip link add "vc$$" netns "$C" type veth peer name "vg$$" netns "$G"
ip link add "vh$$" netns "$G" type veth peer name "vi$$" netns "$I"
ip -n "$C" addr add 10.77.1.2/24 dev "vc$$"; ip -n "$C" link set "vc$$" up
ip -n "$G" addr add 10.77.1.1/24 dev "vg$$"; ip -n "$G" link set "vg$$" up
ip -n "$G" addr add 10.77.2.1/24 dev "vh$$"; ip -n "$G" link set "vh$$" up
ip -n "$I" addr add 10.77.2.2/24 dev "vi$$"; ip -n "$I" link set "vi$$" up
cat > "$work/gw.yaml" <<YAML
network: 10.77.100.0/24
routeIncludes: [10.77.2.0/24]
nat: { outInterface: "vh$$", table: "tgwb$$" }
state: { directory: "$work/state" }
metrics: { listen: "127.0.0.1:9411" }
YAML
cat > "$work/script.sh" <<'SH'
#!/bin/sh
if [ "$reason" = connect ]; then
  ip link set dev "$TUNDEV" up mtu "$INTERNAL_IP4_MTU"; ip addr add "$INTERNAL_IP4_ADDRESS/32" dev "$TUNDEV"
  ip route add 10.77.2.0/24 dev "$TUNDEV"; touch "$MARK"
fi
SH
chmod +x "$work/script.sh"
ip netns exec "$G" "$root/bin/gateway" run --config "$work/gw.yaml" > "$work/gateway.log" 2>&1 & PIDS+=($!)
for _ in $(seq 100); do grep -q "gateway ready" "$work/gateway.log" && break; sleep 0.2; done
grep -q "gateway ready" "$work/gateway.log" || { cat "$work/gateway.log"; exit 1; }
pin=$("$root/bin/gateway" pin --config "$work/gw.yaml")
ip netns exec "$I" iperf3 -s > /dev/null 2>&1 & PIDS+=($!)
connect() {  # starts openconnect in the background (PID in OC), waits for the connect script, sets MS
  local token start; token=$("$root/bin/gateway" token --config "$work/gw.yaml" --user bench)
  rm -f "$work/up"; start=$(date +%s%N)
  MARK="$work/up" ip netns exec "$C" openconnect --protocol=anyconnect --non-inter --servercert "$pin" \
    --token-mode=oidc --token-secret="$token" --script "$work/script.sh" ${OC_OPTS:-} https://10.77.1.1/ > "$work/oc.log" 2>&1 &
  OC=$!
  for _ in $(seq 1000); do [ -f "$work/up" ] && break; sleep 0.005; done
  [ -f "$work/up" ] || { cat "$work/oc.log"; exit 1; }
  MS=$(( ($(date +%s%N) - start) / 1000000 ))
}
times=()
for _ in $(seq "$CONNECTS"); do
  connect; times+=("$MS"); kill -INT "$OC"; wait "$OC" 2>/dev/null || true
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
iperf() {  # prints Mbit/s received (or iperf3's error), $@ = extra iperf3 options
  ip netns exec "$C" iperf3 -c 10.77.2.2 -t "$DUR" -J "$@" > "$work/iperf.json" || true
  awk -F'[:,]' '/"sum_received"/ {f=1} f && /bits_per_second/ {printf "%.0f", $2/1e6; exit}' "$work/iperf.json"
  grep -m1 '"error"' "$work/iperf.json" >&2 || true
}
results=()
for mode in tls dtls; do
  if [ "$mode" = tls ]; then OC_OPTS="--no-dtls"; else OC_OPTS=""; fi
  connect; sleep 0.5
  if [ "$mode" = dtls ] && ! grep -q "Established DTLS connection" "$work/oc.log"; then cat "$work/oc.log"; exit 1; fi
  up=$(iperf); down=$(iperf -R)
  results+=("iperf3 TCP over $([ "$mode" = tls ] && echo 'TLS/CSTP (--no-dtls)' || echo 'DTLS'), ${DUR}s, 1 stream: up ${up} Mbit/s, down ${down} Mbit/s")
  kill -INT "$OC"; wait "$OC" 2>/dev/null || true
done
echo "host: $(nproc) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "time to tunnel up (openconnect start -> connect script), median of $CONNECTS: ${median} ms (all: ${times[*]})"
printf '%s\n' "${results[@]}"
curl -s http://127.0.0.1:9411/metrics 2>/dev/null | grep -E '^gateway_(dtls_)?bytes_total' || \
  ip netns exec "$G" curl -s http://127.0.0.1:9411/metrics | grep -E '^gateway_(dtls_)?bytes_total' || true
