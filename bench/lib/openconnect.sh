# Driving the real openconnect client in the client namespace (sourced after common.sh and topology.sh).
# oc_write_script writes the minimal connect script: link up, address, a route to the internal network, and a
# timestamp file ($MARK) written when the tunnel is configured.
oc_write_script() {
  OC_SCRIPT="$BENCH_WORK/vpnc-script.sh"
  cat > "$OC_SCRIPT" <<SH
#!/bin/sh
if [ "\$reason" = connect ]; then
  date +%s.%N > "\$MARK.start"
  ip link set dev "\$TUNDEV" up mtu "\$INTERNAL_IP4_MTU"
  ip addr add "\$INTERNAL_IP4_ADDRESS/32" dev "\$TUNDEV"
  ip route replace $INT_NET dev "\$TUNDEV"
  echo "\$INTERNAL_IP4_MTU" > "\$MARK.mtu"
  date +%s.%N > "\$MARK"
fi
SH
  chmod 755 "$OC_SCRIPT"
}

# Every output line of openconnect prefixed with the wall-clock time it was read (bash's $EPOCHREALTIME, no fork).
oc_stamp() { local line; while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done; }

# oc_start LOG STDIN_TEXT OPENCONNECT_ARGS...: starts openconnect in the background; sets OC_PID, OC_T0 and
# OC_MARK. The log is line-stamped so the DTLS time can be read from it afterwards.
oc_start() {
  local log=$1 input=$2; shift 2
  OC_LOG=$log; OC_MARK="$BENCH_WORK/up.$RANDOM"; rm -f "$OC_MARK"
  OC_T0=$EPOCHREALTIME
  echo "$OC_T0" > "$log.t0"   # with $log.up (the script's stamp), splits a connect time into client start, log, script
  MARK=$OC_MARK ip netns exec "$C" stdbuf -oL -eL openconnect --protocol=anyconnect --non-inter \
    --script "$OC_SCRIPT" "$@" <<<"$input" > >(oc_stamp > "$log") 2>&1 &
  OC_PID=$!; bench_track_pid "$OC_PID"
}

# oc_wait [WANT_DTLS=0|1] [TIMEOUT_S=20]: waits for the connect script (and the DTLS line); sets T_UP_MS and
# T_DTLS_MS (milliseconds after OC_T0, "n/a" if it did not happen). Returns 1 on time-out or client exit.
oc_wait() {
  local want=${1:-0} limit=$(( ${2:-20} * 100 )) i stamp
  T_UP_MS=n/a; T_DTLS_MS=n/a
  for ((i = 0; i < limit; i++)); do
    if [ "$T_UP_MS" = n/a ] && [ -s "$OC_MARK" ]; then cp "$OC_MARK" "$OC_LOG.up"; cp "$OC_MARK.start" "$OC_LOG.script" 2>/dev/null; T_UP_MS=$(awk -v a="$OC_T0" -v b="$(cat "$OC_MARK")" 'BEGIN { printf "%.1f", (b - a) * 1000 }'); fi
    if [ "$want" = 1 ] && [ "$T_DTLS_MS" = n/a ]; then
      stamp=$(awk '/Established DTLS connection/ { print $1; exit }' "$OC_LOG" 2>/dev/null)
      [ -n "$stamp" ] && T_DTLS_MS=$(awk -v a="$OC_T0" -v b="$stamp" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
    fi
    if [ "$T_UP_MS" != n/a ] && { [ "$want" = 0 ] || [ "$T_DTLS_MS" != n/a ]; }; then return 0; fi
    kill -0 "$OC_PID" 2>/dev/null || return 1
    sleep 0.01
  done
  return 1
}

oc_stop() { bench_stop "$OC_PID"; wait "$OC_PID" 2>/dev/null || true; }
