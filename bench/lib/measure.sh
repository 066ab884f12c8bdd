# Measuring helpers for the bench scripts (sourced after topology.sh).
HZ=$(getconf CLK_TCK)

# stat_ticks EXPR PIDS...: the awk expression EXPR over fields of /proc/PID/stat (clock ticks), summed over the PIDs;
# a PID that is gone counts 0.
stat_ticks() { local e=$1 p s=0 t; shift; for p in "$@"; do t=$(awk "{ print $e }" "/proc/$p/stat" 2>/dev/null) && s=$((s + ${t:-0})); done; echo "$s"; }

# utime + stime.
cpu_ticks() { stat_ticks '$14 + $15' "$@"; }

# The system (kernel) share of that: stime only.
sys_ticks() { stat_ticks '$15' "$@"; }

# The same plus the CPU time of the children each PID has reaped (fields 16 and 17): ocserv's main process forks a
# worker per connection and reaps it when the client leaves, so a worker's time survives only in its parent's count.
cpu_ticks_reaped() { stat_ticks '$14 + $15 + $16 + $17' "$@"; }

# utime + stime (clock ticks) of a JVM's JIT compiler threads (C1 and C2, by thread name).
jit_ticks() {
  local t v s=0
  for t in /proc/"$1"/task/*; do
    case "$(cat "$t/comm" 2>/dev/null)" in
      *CompilerThre*) v=$(awk '{ print $14 + $15 }' "$t/stat" 2>/dev/null); s=$((s + ${v:-0})) ;;
    esac
  done
  echo "$s"
}

# tun_packets NS REGEX: packets through the devices of namespace NS whose names match the regex, rx + tx summed.
tun_packets() {
  ip netns exec "$1" cat /proc/net/dev | awk -v re="^($2)\$" 'NR > 2 { sub(/^ +/, ""); split($0, f, /[: ]+/); if (f[1] ~ re) s += f[3] + f[11] } END { print s + 0 }'
}
# The packets a server forwarded, counted on the client's tun (openconnect's, in the client namespace): every IP
# packet the user sent or received. A server's own tun may count fewer, larger packets when it merges TCP segments
# (the gateway does), so it cannot be the measure of per-packet cost.
client_tun_packets() { tun_packets "$C" 'tun[0-9]+'; }

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
pss_kb_sum() { local p s=0 v; for p in "$@"; do v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null); s=$((s + ${v:-0})); done; echo "$s"; }

# iperf_json FILE ARGS...: one iperf3 client run from the client namespace to the internal host (JSON to FILE).
iperf_json() {
  local out=$1; shift
  ip netns exec "$C" timeout $((DUR + 30)) iperf3 -c "$INT_IP" -t "$DUR" -J --connect-timeout 5000 "$@" > "$out" 2>&1 || true
}
# Mbit/s the receiver got in a TCP run, or n/a.
iperf_tcp_mbps() { jq -r '.end.sum_received.bits_per_second / 1e6 | . * 10 | floor / 10' "$1" 2>/dev/null | grep -E '^[0-9.]+$' || echo n/a; }
# Datagrams per second the receiver got in a UDP run: received bytes / datagram size / seconds. (iperf3 3.12's
# lost counters are unreliable under overload, so this counts what arrived, not what was sent.)
iperf_udp_pps() {
  jq -r '.start.test_start.blksize as $l | .end.sum_received // .end.sum | (.bytes / $l / .seconds) | floor' "$1" 2>/dev/null \
    | grep -E '^[0-9]+$' || echo n/a
}
# Datagrams the receiver got in a UDP run (a count, not a rate).
iperf_udp_received() {
  jq -r '.start.test_start.blksize as $l | .end.sum_received // .end.sum | (.bytes / $l) | floor' "$1" 2>/dev/null \
    | grep -E '^[0-9]+$' || echo 0
}
iperf_udp_offered_pps() {
  jq -r '.start.test_start.blksize as $l | .end.sum_sent // .end.sum | (.bytes / $l / .seconds) | floor' "$1" 2>/dev/null \
    | grep -E '^[0-9]+$' || echo n/a
}

# ping_median NS DST COUNT: median round trip in ms of COUNT pings, PING_INTERVAL (default 0.01) s apart; on the
# CPUs in PING_CPUS (a taskset list) if set.
ping_median() {
  ip netns exec "$1" ${PING_CPUS:+taskset -c "$PING_CPUS"} ping -n -c "$3" -i "${PING_INTERVAL:-0.01}" -W 1 "$2" \
    2>/dev/null | sed -n 's/.* time=\([0-9.]*\) ms/\1/p' | median
}

# allowed_cpus: the CPUs this shell may run on, one per line (taskset's list, ranges expanded).
allowed_cpus() {
  taskset -c -p $$ | sed 's/.*: //' | tr ',' '\n' | awk -F- '{ for (c = $1; c <= ($2 == "" ? $1 : $2); c++) print c }'
}

# pin_cpus CPUS PID...: every thread of each process may run only on CPUS (a taskset list). Threads started later
# inherit the setting from the thread that starts them.
pin_cpus() {
  local cpus=$1 p; shift
  for p in "$@"; do taskset -a -c -p "$cpus" "$p" > /dev/null 2>&1 || true; done
}
