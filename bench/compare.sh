#!/usr/bin/env bash
# Side-by-side benchmark of this gateway and ocserv 1.1.6, both driven by the same openconnect 9.01 client, in
# one run, one system at a time in the same gateway namespace of a three-namespace topology made for the run:
#   client 10.78.1.2 --veth-- 10.78.1.1 gateway 10.78.2.1 --veth-- 10.78.2.2 internal (iperf3 -s, ping target)
# VPN clients get 10.78.100.0/22, PAT'd onto the internal network. Metrics and method: docs/benchmarks.md.
#
# Usage: sudo bench/compare.sh
# env: DUR=10 (s per iperf3 run)  CONNECTS=10  PINGS=100  SESSIONS=500 (idle sessions for memory)
#      LOGIN_CONCURRENCY=8  LOGIN_DUR=10  LOGIN_WARMUP=5 (s of unmeasured logins first, both systems)  LOGIN_STEADY_WARMUP=20 (s more before the steady-state row; 0 skips it)  GW_HEAP=512m GW_HEAP_MIN=64m (the gateway's -Xmx / -Xms)
#      WARMUP=3 (s of unmeasured iperf3 up and down before the measured runs, for both systems)
#      SETTLE=5 (s of quiet after the login-rate run, before the warm connects, for both systems)
#      ROUNDS=3 ROUND_DUR=5 ROUND_WARMUP=5 (rounds alternating the systems for RTT, and for DTLS throughput and CPU per
#        packet with ROUND_DUR-second iperf3 runs after ROUND_WARMUP seconds of unmeasured iperf3 each way; each round
#        starts each system afresh and has its own routed baseline; with two CPUs or more it also pings with the
#        placement fixed, see measure_placed_rtt; 0 skips)  ROUND_CONNECTS=5 (connects timed right
#        after each round's start, before its RTT and iperf3 runs: first connects, alternating the systems; 0 skips)
#      SYSTEMS="gateway ocserv"  OUT=bench/results/compare-<UTC timestamp>.md  KEEP=1 (keep the raw logs)
#      LOADCLIENT=bench/loadclient/run.sh (the Java load client for the login-rate and memory rows)
#      GW_JAVA_OPTS="" (more JVM options for the gateway, e.g. a JFR recording:
#        GW_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/gw.jfr,settings=profile")
set -uo pipefail   # no -e: a measurement that fails is reported as n/a, the run goes on
export LC_ALL=C
DUR=${DUR:-10}; CONNECTS=${CONNECTS:-10}; PINGS=${PINGS:-100}; SESSIONS=${SESSIONS:-500}
LOGIN_CONCURRENCY=${LOGIN_CONCURRENCY:-8}; LOGIN_DUR=${LOGIN_DUR:-10}; GW_HEAP=${GW_HEAP:-512m}; GW_HEAP_MIN=${GW_HEAP_MIN:-64m}; WARMUP=${WARMUP:-3}
SETTLE=${SETTLE:-5}; LOGIN_WARMUP=${LOGIN_WARMUP:-5}; LOGIN_STEADY_WARMUP=${LOGIN_STEADY_WARMUP:-20}; ROUNDS=${ROUNDS:-3}; ROUND_DUR=${ROUND_DUR:-5}; ROUND_WARMUP=${ROUND_WARMUP:-5}; ROUND_CONNECTS=${ROUND_CONNECTS:-5}
SYSTEMS=${SYSTEMS:-"gateway ocserv"}
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
LOADCLIENT=${LOADCLIENT:-$root/bench/loadclient/run.sh}
OUT=${OUT:-$root/bench/results/compare-$(date -u +%Y%m%dT%H%M%SZ).md}
. "$root/bench/lib/common.sh"; . "$root/bench/lib/topology.sh"; . "$root/bench/lib/openconnect.sh"
. "$root/bench/lib/measure.sh"; . "$root/bench/lib/ocserv.sh"

bench_init tgwc
W=$BENCH_WORK
bench_require ip:iproute2 ping:iputils-ping nft:nftables iperf3:iperf3 openconnect:openconnect ocserv:ocserv \
  ocpasswd:ocserv occtl:ocserv jq:jq openssl:openssl curl:curl ps:procps stdbuf:coreutils
JAVA_HOME=$("$root/bin/find-jdk") || bench_die "no JDK >= 25"
export JAVA_HOME
[ -d "$root/gateway-core/target/classes" ] || "$root/bin/gateway" help > /dev/null || bench_die "gateway build failed"
declare -A R            # R[system.metric] = value
# The load client builds itself on first use; do that now, outside every measurement.
[ -x "$LOADCLIENT" ] && { "$LOADCLIENT" --help > /dev/null 2>&1 || true; }
# The two CPUs of the fixed-placement pings (measure_placed_rtt); none on a one-CPU host, which skips them.
ALL_CPUS=$(taskset -c -p $$ | sed 's/.*: //')
CPU_A=$(allowed_cpus | sed -n 1p); CPU_B=$(allowed_cpus | sed -n 2p)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
T_START=$(date +%s)

topo_create tgwc 10.78
bench_log "topology $C / $G / $I, work dir $W"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$W/key.pem" -out "$W/cert.pem" \
  -days 90 -subj "/CN=$GW_OUTER_IP" -addext "subjectAltName=IP:$GW_OUTER_IP" 2>/dev/null || bench_die "openssl"
chmod 644 "$W/key.pem" "$W/cert.pem"
PIN_B64=$(openssl x509 -in "$W/cert.pem" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
oc_write_script
ip netns exec "$I" iperf3 -s > "$W/iperf3-server.log" 2>&1 & bench_track_pid $!

# Routed baseline: the client reaches the internal host through the gateway namespace without any VPN.
topo_masquerade "tgwc_${RUN_ID}_base" "$CLIENT_NET"
routed_rtt() {  # median ping to the internal host outside any tunnel, while no client is connected
  local rtt
  ip -n "$C" route add "$INT_NET" via "$GW_OUTER_IP"
  rtt=$(ping_median "$C" "$INT_IP" "$PINGS")
  ip -n "$C" route del "$INT_NET" via "$GW_OUTER_IP"
  echo "$rtt"
}
R[base.rtt]=$(routed_rtt)
bench_log "routed baseline ping median ${R[base.rtt]} ms"

# ---------------------------------------------------------------- the two systems
# Each start function sets SRV_PID, TUN_RE (its tun devices in the gateway namespace), OC_AUTH/OC_INPUT (how
# openconnect logs in) and LOAD_AUTH (how the load client does).
gateway_start() {
  local d=$W/gateway
  cat > "$d/gateway.yaml" <<YAML
listenAddress: $GW_OUTER_IP
listenPort: 443
network: $POOL_NET
routeIncludes: [$INT_NET]
tls: { certificateFile: "$W/cert.pem", privateKeyFile: "$W/key.pem"${GW_TLS_EXTRA:+, $GW_TLS_EXTRA} }
tun: { name: "tgwc${RUN_ID}v%d" }
nat: { enabled: true, outInterface: "$GW_INNER_IF", ipForward: enable, table: "tgwc_${RUN_ID}_gw" }
state: { directory: "$d/state" }
timeouts: { dpd: 90s, keepalive: 240s, idle: 1200s, cookie: 300s }
metrics: { enabled: true, listen: "127.0.0.1:9410" }
${GW_CONFIG_EXTRA:-}
YAML
  BENCH_NFT+=("$G:tgwc_${RUN_ID}_gw")
  GATEWAY_JAVA_OPTS="-Xms$GW_HEAP_MIN -Xmx$GW_HEAP ${GW_JAVA_OPTS:-}" ip netns exec "$G" "$root/bin/gateway" run --config "$d/gateway.yaml" \
    > "$d/server.log" 2>&1 &
  SRV_PID=$!; bench_track_pid "$SRV_PID"
  for _ in $(seq 300); do grep -q "gateway ready" "$d/server.log" && break; kill -0 "$SRV_PID" 2>/dev/null || break; sleep 0.2; done
  grep -q "gateway ready" "$d/server.log" || { tail -20 "$d/server.log" >&2; return 1; }
  local token; token=$("$root/bin/gateway" token --config "$d/gateway.yaml" --user bench --ttl 2h) || return 1
  printf '%s' "$token" > "$d/token"
  # --http-auth=Bearer: the client answers the Bearer challenge on the same connection (reference §2.1)
  OC_AUTH=(--servercert "pin-sha256:$PIN_B64" --token-mode=oidc --token-secret="$token" --http-auth=Bearer); OC_INPUT=""
  LOAD_AUTH="token:$d/token"; TUN_RE="tgwc${RUN_ID}v[0-9]+"
}
gateway_pids() { echo "$SRV_PID"; }
# RSS after a full GC (jcmd GC.run): with -Xms below -Xmx G1 then gives back the heap that only held garbage, so
# the figure is what the sessions keep alive plus everything native, not how much garbage happened to be pending.
gateway_memory_kb() {
  "$JAVA_HOME/bin/jcmd" "$SRV_PID" GC.run > /dev/null 2>&1; sleep 1
  "$JAVA_HOME/bin/jcmd" "$SRV_PID" GC.heap_info >> "$W/gateway/heap-info.log" 2>&1
  rss_kb "$SRV_PID"
}
gateway_sessions() {
  ip netns exec "$G" curl -s http://127.0.0.1:9410/metrics > "$W/gateway/metrics-holding.txt"
  awk '/^gateway_sessions_active / { print int($2) }' "$W/gateway/metrics-holding.txt"
}
gateway_stop() {
  ip netns exec "$G" curl -s http://127.0.0.1:9410/metrics > "$W/gateway/metrics-final.txt"  # drop counters, for KEEP=1
  bench_stop "$SRV_PID"; wait "$SRV_PID" 2>/dev/null
}

OCSERV_PASS=bench-pass-$RANDOM$RANDOM
ocserv_start() {
  local d=$W/ocserv
  printf '%s\n%s\n' "$OCSERV_PASS" "$OCSERV_PASS" | ocpasswd -c "$d/passwd" bench 2>/dev/null || return 1
  chmod 644 "$d/passwd"
  { ocserv_base_conf "$d" "$GW_OUTER_IP" "$W/cert.pem" "$W/key.pem" vpns "${POOL_NET%/*}" 255.255.252.0 \
      $((SESSIONS + 100))
    cat <<CONF
udp-port = 443
keepalive = 240
dpd = 90
mobile-dpd = 90
idle-timeout = 1200
auth-timeout = 60
rekey-time = 172800
rekey-method = ssl
route = ${INT_NET%/*}/255.255.255.0
cisco-client-compat = true
dtls-legacy = true
CONF
  } > "$d/ocserv.conf"
  topo_masquerade "tgwc_${RUN_ID}_oc" "$POOL_NET"
  ip netns exec "$G" ocserv -f -d 1 -c "$d/ocserv.conf" > "$d/server.log" 2>&1 &
  SRV_PID=$!; bench_track_pid "$SRV_PID"
  for _ in $(seq 100); do ip netns exec "$G" ss -lnt | grep -q "$GW_OUTER_IP:443 " && break; sleep 0.1; done
  ip netns exec "$G" ss -lnt | grep -q "$GW_OUTER_IP:443 " || { tail -20 "$d/server.log" >&2; return 1; }
  OC_AUTH=(--servercert "pin-sha256:$PIN_B64" -u bench --passwd-on-stdin); OC_INPUT=$OCSERV_PASS
  LOAD_AUTH="password:bench:$OCSERV_PASS"; TUN_RE="vpns[0-9]+"
}
ocserv_pids() { bench_process_tree "$SRV_PID"; }       # main, sec-mod and every worker
ocserv_memory_kb() { pss_kb_sum $(ocserv_pids); }
ocserv_sessions() { ip netns exec "$G" ls /sys/class/net | grep -cE '^vpns[0-9]+$'; }
ocserv_stop() {
  local tree; tree=$(ocserv_pids)
  bench_stop "$SRV_PID"; wait "$SRV_PID" 2>/dev/null; bench_stop $tree
  topo_unmasquerade "tgwc_${RUN_ID}_oc"
}

# ---------------------------------------------------------------- measurements
# iperf_measure SYSTEM TAG IPERF_ARGS...: one iperf3 run; records the throughput (or received datagrams/s) and the
# server's CPU time per forwarded packet (TCP: packets counted on the client's tun, see client_tun_packets; the
# UDP flood: datagrams the receiver got).
iperf_measure() {
  local s=$1 tag=$2; shift 2
  local pids t0 t1 k0 k1 j0=0 j1=0 p0 p1 s0 s1
  pids=$(${s}_pids)
  [ "$s" = gateway ] && j0=$(jit_ticks "$SRV_PID")
  t0=$(cpu_ticks $pids); k0=$(sys_ticks $pids); p0=$(client_tun_packets); s0=$(tun_packets "$G" "$TUN_RE")
  iperf_json "$W/$s/iperf-$tag.json" "$@"
  t1=$(cpu_ticks $pids); k1=$(sys_ticks $pids); p1=$(client_tun_packets); s1=$(tun_packets "$G" "$TUN_RE")
  [ "$s" = gateway ] && j1=$(jit_ticks "$SRV_PID")
  # The UDP flood is offered faster than either server forwards it, so the client's tun counts datagrams the server
  # dropped, and the gateway's tun counts merged super-packets: the flood's packets are the datagrams the iperf3
  # server received. TCP: the client's tun, see client_tun_packets.
  local forwarded=$((p1 - p0))
  [ "$tag" = udp64 ] && forwarded=$(iperf_udp_received "$W/$s/iperf-$tag.json")
  R[$s.$tag.pkts]=$forwarded
  R[$s.$tag.cpu_us_pkt]=$(per_packet_us $((t1 - t0)) "$forwarded")
  R[$s.$tag.sys_us_pkt]=$(per_packet_us $((k1 - k0)) "$forwarded")
  R[$s.$tag.user_us_pkt]=$(per_packet_us $((t1 - t0 - k1 + k0)) "$forwarded")
  R[$s.$tag.jit_us_pkt]=$(per_packet_us $((j1 - j0)) "$forwarded")
  if [ "$tag" = udp64 ]; then
    R[$s.$tag]=$(iperf_udp_pps "$W/$s/iperf-$tag.json"); R[$s.$tag.offered]=$(iperf_udp_offered_pps "$W/$s/iperf-$tag.json")
  else
    R[$s.$tag]=$(iperf_tcp_mbps "$W/$s/iperf-$tag.json")
  fi
  bench_log "$s $tag: ${R[$s.$tag]} ($((p1 - p0)) packets at the client, $((s1 - s0)) on the server's tun, ${R[$s.$tag.cpu_us_pkt]} us CPU/packet: user ${R[$s.$tag.user_us_pkt]}, kernel ${R[$s.$tag.sys_us_pkt]}, JIT compiler threads ${R[$s.$tag.jit_us_pkt]})"
}

# per_packet_us TICKS PACKETS: CPU time per packet in µs, or n/a.
per_packet_us() { awk -v t="$1" -v p="$2" -v hz="$HZ" 'BEGIN { if (p > 0) printf "%.2f", t * 1e6 / hz / p; else print "n/a" }'; }

# measure_logins SYSTEM TAG WARMUP_S: the login rate over LOGIN_DUR seconds, after WARMUP_S seconds of the same load
# that are not counted; into R[SYSTEM.TAG] and R[SYSTEM.TAG_failures].
measure_logins() {
  local s=$1 tag=$2 warmup=$3
  local lp
  # In its own process group, so a time-out ends the load client's JVM too, whatever run.sh forks.
  setsid ip netns exec "$C" "$LOADCLIENT" --server "$GW_OUTER_IP:443" --pin-sha256 "$PIN_B64" --auth "$LOAD_AUTH" \
    --mode logins --concurrency "$LOGIN_CONCURRENCY" --warmup "$warmup" --duration "$LOGIN_DUR" < /dev/null > "$W/$s/$tag.log" 2>&1 &
  lp=$!; bench_track_group "$lp"
  for _ in $(seq $(( (warmup + LOGIN_DUR + 300) * 5 ))); do kill -0 "$lp" 2>/dev/null || break; sleep 0.2; done
  kill -TERM -- "-$lp" 2>/dev/null; wait "$lp" 2>/dev/null
  R[$s.$tag]=$(sed -n 's/^logins_per_sec=\([0-9.]*\).*/\1/p' "$W/$s/$tag.log" | tail -1)
  R[$s.${tag}_failures]=$(sed -n 's/^failures=\([0-9]*\).*/\1/p' "$W/$s/$tag.log" | tail -1)
  [ -n "${R[$s.$tag]}" ] || R[$s.$tag]="n/a (load client failed, see $tag.log)"
  bench_log "$s $tag/s: ${R[$s.$tag]}"
}

# Opens SESSIONS idle sessions with the load client and divides the server's memory growth by their number.
measure_memory() {
  local s=$1 d=$W/$1 before after n hold fd
  sleep 2; before=$(${s}_memory_kb)
  mkfifo "$d/hold.in"; exec {fd}<> "$d/hold.in"
  setsid ip netns exec "$C" "$LOADCLIENT" --server "$GW_OUTER_IP:443" --pin-sha256 "$PIN_B64" --auth "$LOAD_AUTH" \
    --mode hold --sessions "$SESSIONS" < "$d/hold.in" > "$d/hold.log" 2>&1 &
  hold=$!; bench_track_group "$hold"
  for _ in $(seq 1200); do grep -q '^established=' "$d/hold.log" && break; kill -0 "$hold" 2>/dev/null || break; sleep 0.25; done
  n=$(sed -n 's/^established=\([0-9]*\).*/\1/p' "$d/hold.log" | tail -1)
  if [ -n "$n" ] && [ "$n" -gt 0 ]; then
    sleep 3; after=$(${s}_memory_kb)
    R[$s.sessions]=$n; R[$s.server_sessions]=$(${s}_sessions)
    R[$s.mem_before]=$before; R[$s.mem_after]=$after
    R[$s.mem_kb_session]=$(awk -v a="$before" -v b="$after" -v n="$n" 'BEGIN { printf "%.1f", (b - a) / n }')
    if [ "$s" = gateway ]; then  # the live heap after the two full GCs, from jcmd GC.heap_info
      R[$s.heap_kb_session]=$(awk -v n="$n" '/garbage-first heap/ { for (i = 1; i < NF; i++) if ($i == "used") { u[++k] = $(i + 1) + 0 } }
        END { if (k >= 2) printf "%.1f", (u[k] - u[k - 1]) / n; else print "n/a" }' "$d/heap-info.log")
    fi
    # The server must really hold them: a load client that lost its sessions would make the row meaningless.
    if ! [ "${R[$s.server_sessions]:-0}" -ge $((n * 95 / 100)) ] 2>/dev/null; then
      R[$s.mem_kb_session]="n/a (server holds ${R[$s.server_sessions]:-?} of $n sessions)"
    fi
  else
    R[$s.mem_kb_session]="n/a (sessions not established, see hold.log)"
  fi
  bench_log "$s memory: before ${before} kB, after ${after:-?} kB, ${n:-0} sessions (server counts ${R[$s.server_sessions]:-?})"
  kill -TERM -- "-$hold" 2>/dev/null; exec {fd}>&-
  for _ in $(seq 100); do kill -0 "$hold" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$hold" 2>/dev/null; wait "$hold" 2>/dev/null
}

gateway_dtls_share() { ip netns exec "$G" curl -s http://127.0.0.1:9410/metrics | awk '/^gateway_dtls_packets_total/ { d += $2 } /^gateway_packets_total/ { a += $2 } END { print d + 0, a + 0 }'; }

# measure_connects SYSTEM KEY OPENCONNECT_ARGS...: CONNECTS connects; medians of start -> tunnel up and -> DTLS up.
measure_connects() {
  local s=$1 key=$2 k ups=() dtls=() c0 c1 j0 j1; shift 2
  # The server's CPU for the whole series, per connect (ocserv: main, sec-mod, live workers and the reaped ones),
  # and for the gateway the part its JIT compiler threads took.
  c0=$(cpu_ticks_reaped $("${s}_pids")); [ "$s" = gateway ] && j0=$(jit_ticks "$SRV_PID")
  for k in $(seq "$CONNECTS"); do
    oc_start "$W/$s/$key-$k.log" "$OC_INPUT" "$@" "https://$GW_OUTER_IP/"
    if oc_wait 1 20; then ups+=("$T_UP_MS"); dtls+=("$T_DTLS_MS"); else bench_log "$s $key $k: up=$T_UP_MS dtls=$T_DTLS_MS (incomplete)"; [ "$T_UP_MS" != n/a ] && ups+=("$T_UP_MS"); fi
    oc_stop
  done
  c1=$(cpu_ticks_reaped $("${s}_pids"))
  R[$s.${key}_cpu]=$(awk -v t=$((c1 - c0)) -v n="$CONNECTS" -v hz="$HZ" 'BEGIN { printf "%.1f", t * 1000 / hz / n }')
  if [ "$s" = gateway ]; then
    j1=$(jit_ticks "$SRV_PID")
    R[$s.${key}_jit]=$(awk -v j=$((j1 - j0)) -v t=$((c1 - c0)) 'BEGIN { if (t > 0) printf "%.0f", j * 100 / t; else print "n/a" }')
  fi
  R[$s.${key}_up]=$(printf '%s\n' "${ups[@]}" | grep . | median)
  R[$s.${key}_dtls]=$(printf '%s\n' "${dtls[@]}" | grep . | median)
  R[$s.${key}_all]="up: ${ups[*]} / dtls: ${dtls[*]}"
  R[$s.${key}_up_list]="${ups[*]}"; R[$s.${key}_dtls_list]="${dtls[*]}"
  R[$s.${key}_split]=$(connect_split "$W/$s/$key")
  bench_log "$s $key median: tunnel up ${R[$s.${key}_up]} ms, DTLS ${R[$s.${key}_dtls]} ms"
}

# connect_split LOG_PREFIX: medians (ms) of the phases of the connects logged as LOG_PREFIX-N.log: client start ->
# its first log line; first line -> "Configured as" (TLS, login, CONNECT, DTLS: the part the server takes part in);
# "Configured as" -> the connect script starts; the script (link, address, route) -> tunnel up.
connect_split() {
  local f pre=() log=() wait=() script=() parts
  for f in "$1"-*.log; do
    [ -s "$f.t0" ] && [ -s "$f.up" ] && [ -s "$f.script" ] || continue
    parts=$(awk -v t0="$(cat "$f.t0")" -v sc="$(cat "$f.script")" -v up="$(cat "$f.up")" \
      'NR == 1 { first = $1 } /Configured as/ { cfg = $1 }
       END { if (cfg) printf "%.1f %.1f %.1f %.1f", (first - t0) * 1000, (cfg - first) * 1000, (sc - cfg) * 1000, (up - sc) * 1000 }' "$f")
    [ -n "$parts" ] || continue
    set -- $parts; pre+=("$1"); log+=("$2"); wait+=("$3"); script+=("$4")
  done
  [ ${#pre[@]} -gt 0 ] || { echo n/a; return; }
  echo "start→first line $(printf '%s\n' "${pre[@]}" | median), first line→configured $(printf '%s\n' "${log[@]}" | median), configured→script $(printf '%s\n' "${wait[@]}" | median), script $(printf '%s\n' "${script[@]}" | median)"
}

measure_system() {
  local s=$1 m0 m1 dir
  mkdir -p "$W/$s"
  bench_log "=== $s"
  "${s}_start" || { bench_log "$s did not start"; return 1; }
  measure_connects "$s" connect "${OC_AUTH[@]}"
  if [ "$s" = gateway ]; then  # the token as openconnect 9.01 sends it without --http-auth=Bearer: one reconnect more
    local a plain=(); for a in "${OC_AUTH[@]}"; do [ "$a" = --http-auth=Bearer ] || plain+=("$a"); done
    measure_connects "$s" connect_plain "${plain[@]}"
  fi

  oc_start "$W/$s/session-dtls.log" "$OC_INPUT" "${OC_AUTH[@]}" "https://$GW_OUTER_IP/"
  if oc_wait 1 20; then
    sleep 1
    # Unmeasured warm-up through the tunnel (the JVM's JIT compiles the packet path; ocserv gets the same).
    for dir in "" -R; do iperf_json "$W/$s/iperf-warmup$dir.json" -t "$WARMUP" $dir; done
    [ "$s" = gateway ] && m0=$(gateway_dtls_share)
    R[$s.rtt]=$(ping_median "$C" "$INT_IP" "$PINGS")
    R[$s.rtt_added]=$(awk -v a="${R[$s.rtt]}" -v b="${R[base.rtt]}" 'BEGIN { printf "%.3f", a - b }')
    iperf_measure "$s" dtls_up
    iperf_measure "$s" dtls_down -R
    iperf_measure "$s" udp64 -u -l 64 -b 0
    if [ "$s" = gateway ]; then
      m1=$(gateway_dtls_share)
      R[$s.dtls_share]=$(awk -v a="$m0" -v b="$m1" 'BEGIN { split(a, x, " "); split(b, y, " "); if (y[2] > x[2]) printf "%.1f%%", 100 * (y[1] - x[1]) / (y[2] - x[2]); else print "n/a" }')
    fi
    R[$s.mtu_dtls]=$(cat "$OC_MARK.mtu" 2>/dev/null)
  else
    bench_log "$s: DTLS session did not come up"; tail -5 "$W/$s/session-dtls.log" >&2
  fi
  oc_stop
  oc_start "$W/$s/session-tls.log" "$OC_INPUT" "${OC_AUTH[@]}" --no-dtls "https://$GW_OUTER_IP/"
  if oc_wait 0 20; then
    sleep 1
    for dir in "" -R; do iperf_json "$W/$s/iperf-warmup-tls$dir.json" -t "$WARMUP" $dir; done
    iperf_measure "$s" tls_up
    iperf_measure "$s" tls_down -R
    R[$s.mtu_tls]=$(cat "$OC_MARK.mtu" 2>/dev/null)
  else
    bench_log "$s: TLS session did not come up"; tail -5 "$W/$s/session-tls.log" >&2
  fi
  oc_stop

  if [ -x "$LOADCLIENT" ]; then
    measure_logins "$s" logins "$LOGIN_WARMUP"
    # The same load again, measured after LOGIN_STEADY_WARMUP more seconds of it: the rate of a server that has been
    # taking logins for a while. The first figure includes the JVM compiling the login path (a perf profile of the
    # gateway 8-14 s into a login run had 24-30 % of its CPU in the JIT compiler threads); ocserv has no such phase,
    # so for it the two rows differ by the host's drift only.
    [ "$LOGIN_STEADY_WARMUP" -gt 0 ] && measure_logins "$s" logins_steady "$LOGIN_STEADY_WARMUP"
    # The same connects again once the server has served the login-rate run and had SETTLE seconds of quiet: the
    # gateway's login path is then JIT-compiled, as on a server that has been up for a while. Without the pause the
    # JVM's C2 compiler is still working through the login run's backlog (252 compilations during 10 connects right
    # after it, ~1 s of CPU on one of the 2 cores, which the connect script then waits for). ocserv has no warm-up;
    # it gets the same pause and its row shows run-to-run noise.
    sleep "$SETTLE"
    measure_connects "$s" connect_warm "${OC_AUTH[@]}"
    measure_memory "$s"
  else
    R[$s.logins]="n/a (loadclient missing)"; R[$s.logins_steady]="n/a (loadclient missing)"; R[$s.mem_kb_session]="n/a (loadclient missing)"
  fi
  R[$s.idle_memory_kb]=${R[$s.mem_before]:-$(${s}_memory_kb)}
  "${s}_stop"
  return 0
}

for s in $SYSTEMS; do measure_system "$s" || R[$s.failed]=1; done

# RTT, and CPU per packet over DTLS, in ROUNDS rounds that alternate the systems. The host drifts within minutes (the
# routed baseline has read 0.025 to 0.07 ms, ocserv's CPU per packet 9.4 to 13 µs), so one measurement per system,
# minutes apart, says as much about when it ran as about the system. Each round, per system: the routed baseline,
# then a fresh start, a DTLS tunnel, ROUND_WARMUP seconds of iperf3 each way (the gateway's packet path is compiled
# again in each new JVM: with 1 s it ran at 2-3x its warm CPU per packet), PINGS pings, ROUND_DUR seconds of iperf3 up
# and down with the CPU counted as above, stop.
added_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }

# Where the scheduler puts the server's thread relative to openconnect decides much of a ping's round trip on a
# small host: by hand, both servers measured ~0.2-0.3 ms with everything on one CPU and ~0.4-0.6 ms with the server
# on the other one, and a free-running ping lands on either (ocserv 0.18 ms in one run, 0.41 in the next). So each
# round also pings with the placement fixed: openconnect, ping and the server on one CPU (what a ping costs in CPU
# work, serialised), then the server alone on another (adds the cross-CPU wake-ups). Affinity is restored after.
measure_placed_rtt() {
  local s=$1 base=$2 tun procs
  procs=($("${s}_pids") "$OC_PID")
  pin_cpus "$CPU_A" "${procs[@]}"
  tun=$(PING_CPUS=$CPU_A ping_median "$C" "$INT_IP" "$PINGS")
  num "$tun" && R[$s.rtt_together_list]+="$(added_ms "$tun" "$base") "
  pin_cpus "$CPU_B" $("${s}_pids")
  local apart; apart=$(PING_CPUS=$CPU_A ping_median "$C" "$INT_IP" "$PINGS")
  num "$apart" && R[$s.rtt_apart_list]+="$(added_ms "$apart" "$base") "
  pin_cpus "$ALL_CPUS" "${procs[@]}"
  bench_log "$s RTT round $r, placement fixed: one CPU $tun ms, server on another CPU $apart ms"
}

measure_rounds() {
  local r s base tun DUR=$ROUND_DUR
  for r in $(seq "$ROUNDS"); do
    for s in $SYSTEMS; do
      [ -n "${R[$s.failed]:-}" ] && continue
      base=$(routed_rtt)
      "${s}_start" || { bench_log "$s did not start for RTT round $r"; continue; }
      if [ "$ROUND_CONNECTS" -gt 0 ]; then
        CONNECTS=$ROUND_CONNECTS measure_connects "$s" "r$r.connect" "${OC_AUTH[@]}"
        R[$s.round_connect_ups]+="${R[$s.r$r.connect_up_list]} "
        R[$s.round_connect_dtls]+="${R[$s.r$r.connect_dtls_list]} "
        R[$s.round_connect_cpus]+="${R[$s.r$r.connect_cpu]} "
      fi
      oc_start "$W/$s/rtt-round-$r.log" "$OC_INPUT" "${OC_AUTH[@]}" "https://$GW_OUTER_IP/"
      if oc_wait 1 20; then
        sleep 1
        for dir in "" -R; do iperf_json "$W/$s/iperf-round-warmup-$r$dir.json" -t "$ROUND_WARMUP" $dir; done
        tun=$(ping_median "$C" "$INT_IP" "$PINGS")
        num "$base" && num "$tun" && R[$s.rtt_round_list]+="$(added_ms "$tun" "$base") "
        bench_log "$s RTT round $r: tunnel $tun ms, routed $base ms"
        [ -n "$CPU_B" ] && measure_placed_rtt "$s" "$base"
        iperf_measure "$s" "r$r.dtls_up"
        iperf_measure "$s" "r$r.dtls_down" -R
        R[$s.round_list_up]+="${R[$s.r$r.dtls_up.cpu_us_pkt]} "
        R[$s.round_list_down]+="${R[$s.r$r.dtls_down.cpu_us_pkt]} "
        R[$s.round_list_user_up]+="${R[$s.r$r.dtls_up.user_us_pkt]} "; R[$s.round_list_sys_up]+="${R[$s.r$r.dtls_up.sys_us_pkt]} "
        R[$s.round_list_user_down]+="${R[$s.r$r.dtls_down.user_us_pkt]} "; R[$s.round_list_sys_down]+="${R[$s.r$r.dtls_down.sys_us_pkt]} "
        R[$s.round_list_jit_up]+="${R[$s.r$r.dtls_up.jit_us_pkt]} "; R[$s.round_list_jit_down]+="${R[$s.r$r.dtls_down.jit_us_pkt]} "
        R[$s.round_list_mbps_up]+="${R[$s.r$r.dtls_up]} "
        R[$s.round_list_mbps_down]+="${R[$s.r$r.dtls_down]} "
      fi
      oc_stop
      "${s}_stop"
    done
  done
  local k
  for s in $SYSTEMS; do
    for k in rtt_round_list:rtt_rounds rtt_together_list:rtt_together_rounds rtt_apart_list:rtt_apart_rounds \
             round_list_up:cpu_rounds_up round_list_down:cpu_rounds_down \
             round_list_user_up:user_rounds_up round_list_sys_up:sys_rounds_up \
             round_list_user_down:user_rounds_down round_list_sys_down:sys_rounds_down \
             round_list_jit_up:jit_rounds_up round_list_jit_down:jit_rounds_down \
             round_connect_ups:connect_rounds_up round_connect_dtls:connect_rounds_dtls round_connect_cpus:connect_rounds_cpu \
             round_list_mbps_up:mbps_rounds_up round_list_mbps_down:mbps_rounds_down; do
      [ -n "${R[$s.${k%%:*}]:-}" ] && R[$s.${k#*:}]=$(printf '%s\n' ${R[$s.${k%%:*}]} | grep -E '^[0-9.]+$' | median)
    done
  done
}
num() { [[ "$1" =~ ^-?[0-9]+(\.[0-9]+)?$ ]]; }
[ "$ROUNDS" -gt 0 ] && measure_rounds

# ---------------------------------------------------------------- report
ratio() { if num "$1" && num "$2" && awk -v b="$2" 'BEGIN { exit !(b != 0) }'; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; else echo n/a; fi; }
row() {  # label, key, better-direction
  local g=${R[gateway.$2]:-n/a} o=${R[ocserv.$2]:-n/a}
  printf '| %s | %s | %s | %s | %s |\n' "$1" "$g" "$o" "$(ratio "$g" "$o")" "$3"
}
R[gateway.connect_jit_pair]="${R[gateway.connect_jit]:-n/a} / ${R[gateway.connect_warm_jit]:-n/a}"
R[gateway.jit_rounds_pair]="${R[gateway.jit_rounds_up]:-n/a} / ${R[gateway.jit_rounds_down]:-n/a}"
mkdir -p "$(dirname "$OUT")"
{
  echo "# gateway vs ocserv, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- host: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), kernel $(uname -r); load average at start $LOAD_START, at end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- $(ocserv --version 2>&1 | head -1); $(openconnect --version 2>&1 | head -1); $(iperf3 --version | head -1 | cut -d' ' -f1-2); gateway on $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), -Xms$GW_HEAP_MIN -Xmx$GW_HEAP; gateway commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "- DUR=${DUR}s per iperf3 run, CONNECTS=$CONNECTS, PINGS=$PINGS, LOGIN_CONCURRENCY=$LOGIN_CONCURRENCY, LOGIN_DUR=${LOGIN_DUR}s after LOGIN_WARMUP=${LOGIN_WARMUP}s of unmeasured logins (steady-state row: after LOGIN_STEADY_WARMUP=${LOGIN_STEADY_WARMUP}s more), SESSIONS=$SESSIONS; same ECDSA P-256 certificate for both; run took $(( $(date +%s) - T_START )) s"
  echo "- unmeasured warm-up before the measured runs: ${WARMUP}s iperf3 up and down through the DTLS tunnel and again through the TLS-only tunnel, both systems"
  echo "- warm connects: after the login-rate run and ${SETTLE}s of quiet, both systems"
  echo "- openconnect logs in to the gateway with --token-mode=oidc --http-auth=Bearer (one TLS connection, reference §2.1), to ocserv with a password"
  echo "- memory: gateway = JVM RSS after a full GC (jcmd GC.run); ocserv = sum of PSS of main, sec-mod and all workers"
  echo "- server CPU counted: gateway = the JVM process (all threads); ocserv = main + sec-mod + every worker. Packets: TCP rows = rx + tx of the client's tun (every IP packet the user sent or received; the gateway merges packets on its own tun), UDP row = datagrams the iperf3 server received."
  echo "- routed baseline (no VPN, client -> gateway ns -> internal, PAT): ping median ${R[base.rtt]} ms"
  echo
  echo "| metric | gateway | ocserv | gateway/ocserv | better |"
  echo "|---|---|---|---|---|"
  row "iperf3 TCP up over DTLS, Mbit/s" dtls_up "higher"
  row "iperf3 TCP down over DTLS, Mbit/s" dtls_down "higher"
  row "iperf3 TCP up over TLS (--no-dtls), Mbit/s" tls_up "higher"
  row "iperf3 TCP down over TLS (--no-dtls), Mbit/s" tls_down "higher"
  row "server CPU per packet, TCP up DTLS, µs" dtls_up.cpu_us_pkt "lower"
  row "server CPU per packet, TCP down DTLS, µs" dtls_down.cpu_us_pkt "lower"
  row "server CPU per packet, TCP up TLS, µs" tls_up.cpu_us_pkt "lower"
  row "server CPU per packet, TCP down TLS, µs" tls_down.cpu_us_pkt "lower"
  row "server CPU per packet, UDP 64 B up DTLS, µs" udp64.cpu_us_pkt "lower"
  row "UDP 64 B datagrams received at internal host, pkt/s (DTLS)" udp64 "higher"
  row "… offered by iperf3 -b 0, pkt/s" udp64.offered "(load)"
  row "ping median through the tunnel (DTLS), ms" rtt "lower"
  row "RTT added over routed baseline, ms" rtt_added "lower"
  row "RTT added over routed baseline, median of $ROUNDS alternating rounds, ms" rtt_rounds "lower"
  row "… with openconnect, ping and the server pinned to one CPU, median of the rounds, ms" rtt_together_rounds "lower"
  row "… with openconnect and ping on one CPU, the server pinned to another, median of the rounds, ms" rtt_apart_rounds "lower"
  row "iperf3 TCP up over DTLS, median of $ROUNDS alternating rounds of ${ROUND_DUR}s, Mbit/s" mbps_rounds_up "higher"
  row "iperf3 TCP down over DTLS, median of $ROUNDS alternating rounds of ${ROUND_DUR}s, Mbit/s" mbps_rounds_down "higher"
  row "server CPU per packet, TCP up DTLS, median of $ROUNDS alternating rounds, µs" cpu_rounds_up "lower"
  row "server CPU per packet, TCP down DTLS, median of $ROUNDS alternating rounds, µs" cpu_rounds_down "lower"
  row "… of it in user space (utime), TCP up DTLS, median of the rounds, µs" user_rounds_up "lower"
  row "… of it in the kernel (stime), TCP up DTLS, median of the rounds, µs" sys_rounds_up "lower"
  row "… of it in user space (utime), TCP down DTLS, median of the rounds, µs" user_rounds_down "lower"
  row "… of it in the kernel (stime), TCP down DTLS, median of the rounds, µs" sys_rounds_down "lower"
  row "… gateway only: of the user time, in the JIT compiler threads, up / down, median of the rounds, µs" jit_rounds_pair "(info)"
  row "client start → tunnel up, median ms (first connects after server start)" connect_up "lower"
  row "client start → DTLS established, median ms (first connects after server start)" connect_dtls "lower"
  row "client start → tunnel up, median ms (first $ROUND_CONNECTS connects after the server's start in each of the $ROUNDS alternating rounds, pooled)" connect_rounds_up "lower"
  row "client start → DTLS established, median ms (the same connects)" connect_rounds_dtls "lower"
  row "server CPU per connect, ms (the same connects, median of the rounds)" connect_rounds_cpu "lower"
  row "client start → tunnel up, median ms (after the login-rate run and a pause)" connect_warm_up "lower"
  row "client start → DTLS established, median ms (after the login-rate run and a pause)" connect_warm_dtls "lower"
  row "… gateway, token without --http-auth=Bearer (9.01 reconnects once): tunnel up, median ms" connect_plain_up "lower"
  row "server CPU per connect, ms (first connects after server start)" connect_cpu "lower"
  row "server CPU per connect, ms (after the login-rate run and a pause)" connect_warm_cpu "lower"
  row "… gateway only: share of that CPU in the JIT compiler threads, first / warm connects, %" connect_jit_pair "(info)"
  row "logins/s (TLS + auth + CONNECT, $LOGIN_CONCURRENCY concurrent)" logins "higher"
  [ "$LOGIN_STEADY_WARMUP" -gt 0 ] && row "logins/s, steady state (measured after $((LOGIN_WARMUP + LOGIN_DUR + LOGIN_STEADY_WARMUP)) s of login load)" logins_steady "higher"
  row "memory per idle session, kB (gateway RSS, ocserv PSS)" mem_kb_session "lower"
  row "… gateway only: live Java heap growth per idle session (after full GC), kB" heap_kb_session "lower"
  row "idle sessions established for the memory row" sessions "(count)"
  row "server memory before sessions, kB" idle_memory_kb "lower"
  echo
  echo "Client tunnel MTU: gateway DTLS ${R[gateway.mtu_dtls]:-?} / TLS ${R[gateway.mtu_tls]:-?}, ocserv DTLS ${R[ocserv.mtu_dtls]:-?} / TLS ${R[ocserv.mtu_tls]:-?}."
  echo "Share of the gateway's packets that crossed DTLS during the DTLS runs: ${R[gateway.dtls_share]:-n/a}."
  echo "Failed logins during the login-rate runs: gateway ${R[gateway.logins_failures]:-n/a} + ${R[gateway.logins_steady_failures]:-n/a}, ocserv ${R[ocserv.logins_failures]:-n/a} + ${R[ocserv.logins_steady_failures]:-n/a}; sessions the servers counted while holding: gateway ${R[gateway.server_sessions]:-n/a}, ocserv ${R[ocserv.server_sessions]:-n/a}."
  echo "Connect samples (ms): gateway ${R[gateway.connect_all]:-n/a}; gateway without --http-auth=Bearer ${R[gateway.connect_plain_all]:-n/a}; ocserv ${R[ocserv.connect_all]:-n/a}."
  echo "Connect samples after the login-rate run (ms): gateway ${R[gateway.connect_warm_all]:-n/a}; ocserv ${R[ocserv.connect_warm_all]:-n/a}."
  echo "Per alternating round: RTT added (ms) gateway ${R[gateway.rtt_round_list]:-n/a}, ocserv ${R[ocserv.rtt_round_list]:-n/a}; on one CPU gateway ${R[gateway.rtt_together_list]:-n/a}, ocserv ${R[ocserv.rtt_together_list]:-n/a}; server on another CPU gateway ${R[gateway.rtt_apart_list]:-n/a}, ocserv ${R[ocserv.rtt_apart_list]:-n/a}; CPU per packet up / down (µs) gateway ${R[gateway.round_list_up]:-n/a}/ ${R[gateway.round_list_down]:-n/a}, ocserv ${R[ocserv.round_list_up]:-n/a}/ ${R[ocserv.round_list_down]:-n/a}."
  echo "Connect phases, medians in ms (first connects): gateway ${R[gateway.connect_split]:-n/a}; ocserv ${R[ocserv.connect_split]:-n/a}."
  echo "Connect phases, medians in ms (after the login-rate run): gateway ${R[gateway.connect_warm_split]:-n/a}; ocserv ${R[ocserv.connect_warm_split]:-n/a}."
  for s in $SYSTEMS; do [ -n "${R[$s.failed]:-}" ] && echo "**$s did not start; its column is empty.**"; done
  [ "${KEEP:-0}" = 1 ] && echo "Raw logs: $W"
} > "$OUT"
cat "$OUT"
echo "results written to $OUT"
