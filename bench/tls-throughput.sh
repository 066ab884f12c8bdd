#!/usr/bin/env bash
# Measures the gateway's data channels with the real openconnect client, as root:
# time from starting openconnect to the tunnel being up (median of N connects), and iperf3 TCP throughput
# up and down through the tunnel to an internal host behind PAT, first TLS only (openconnect --no-dtls), then
# with DTLS (the default), in the same run. Three namespaces made and removed here (bench/lib/topology.sh):
#   client 10.77.1.2 --veth-- 10.77.1.1 gateway 10.77.2.1 --veth-- 10.77.2.2 internal (iperf3 -s)
# Usage: sudo bench/tls-throughput.sh    env: DUR=10 CONNECTS=10 KEEP=1
# The side-by-side comparison with ocserv is bench/compare.sh; this is the quick single-system figure.
set -euo pipefail
DUR=${DUR:-10}; CONNECTS=${CONNECTS:-10}
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
. "$root/bench/lib/common.sh"; . "$root/bench/lib/topology.sh"; . "$root/bench/lib/openconnect.sh"
. "$root/bench/lib/measure.sh"
bench_init tgwb
work=$BENCH_WORK
topo_create tgwb 10.77
cat > "$work/gw.yaml" <<YAML
network: $POOL_NET
routeIncludes: [$INT_NET]
nat: { outInterface: "$GW_INNER_IF", table: "tgwb_$RUN_ID" }
state: { directory: "$work/state" }
metrics: { listen: "127.0.0.1:9411" }
YAML
BENCH_NFT+=("$G:tgwb_$RUN_ID")
oc_write_script
ip netns exec "$G" "$root/bin/gateway" run --config "$work/gw.yaml" > "$work/gateway.log" 2>&1 & bench_track_pid $!
for _ in $(seq 100); do grep -q "gateway ready" "$work/gateway.log" && break; sleep 0.2; done
grep -q "gateway ready" "$work/gateway.log" || { cat "$work/gateway.log"; exit 1; }
pin=$("$root/bin/gateway" pin --config "$work/gw.yaml")
token=$("$root/bin/gateway" token --config "$work/gw.yaml" --user bench)
ip netns exec "$I" iperf3 -s > /dev/null 2>&1 & bench_track_pid $!
connect() {  # connect [openconnect options]: starts openconnect and waits for the connect script
  oc_start "$work/oc.log" "" --servercert "$pin" --token-mode=oidc --token-secret="$token" "$@" "https://$GW_OUTER_IP/"
  oc_wait 0 10 || { cat "$work/oc.log"; exit 1; }
}
times=()
for _ in $(seq "$CONNECTS"); do connect; times+=("$T_UP_MS"); oc_stop; done
results=()
for mode in tls dtls; do
  if [ "$mode" = tls ]; then connect --no-dtls; else connect; fi
  sleep 0.5
  if [ "$mode" = dtls ] && ! grep -q "Established DTLS connection" "$work/oc.log"; then cat "$work/oc.log"; exit 1; fi
  iperf_json "$work/up.json"; iperf_json "$work/down.json" -R
  results+=("iperf3 TCP over $([ "$mode" = tls ] && echo 'TLS/CSTP (--no-dtls)' || echo 'DTLS'), ${DUR}s, 1 stream: up $(iperf_tcp_mbps "$work/up.json") Mbit/s, down $(iperf_tcp_mbps "$work/down.json") Mbit/s")
  oc_stop
done
echo "host: $(nproc) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "time to tunnel up (openconnect start -> connect script), median of $CONNECTS: $(printf '%s\n' "${times[@]}" | median) ms (all: ${times[*]})"
printf '%s\n' "${results[@]}"
ip netns exec "$G" curl -s http://127.0.0.1:9411/metrics | grep -E '^gateway_(dtls_)?bytes_total' || true
