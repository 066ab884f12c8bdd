# Bookkeeping shared by the bench scripts (sourced, not run): logging, the processes and namespaces a run
# created, and a clean-up that removes them on any exit. Everything is ended by PID (or by the process group of
# a process this run started with setsid), never by name.
BENCH_PIDS=(); BENCH_GROUPS=(); BENCH_NETNS=(); BENCH_NFT=(); BENCH_WORK=""; BENCH_KEEP_TO=""

bench_log() { echo "[$(date -u +%T)] $*" >&2; }
bench_die() { bench_log "ERROR: $*"; exit 1; }

# bench_init TAG: makes the work directory (readable by unprivileged ocserv workers) and installs the traps.
bench_init() {
  [ "$(id -u)" = 0 ] || { echo "run as root (sudo $0)" >&2; exit 2; }
  BENCH_WORK=$(mktemp -d -t "$1.XXXXXX"); chmod 755 "$BENCH_WORK"
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_track_pid() { BENCH_PIDS+=("$1"); }
bench_track_group() { BENCH_GROUPS+=("$1"); }

# The PID and every descendant of it, one per line (to stop a forking server such as ocserv completely).
bench_process_tree() {
  ps -e -o pid=,ppid= | awk -v root="$1" '{ parent[$1] = $2 } END {
    found[root] = 1; print root
    do { grew = 0; for (p in parent) if (!(p in found) && (parent[p] in found)) { found[p] = 1; print p; grew = 1 } } while (grew) }'
}

# bench_stop PID...: SIGINT, then SIGTERM, then SIGKILL, each only to those still alive.
bench_stop() {
  local sig p alive
  for sig in INT TERM KILL; do
    alive=0
    for p in "$@"; do kill -0 "$p" 2>/dev/null && { kill -"$sig" "$p" 2>/dev/null; alive=1; }; done
    [ "$alive" = 0 ] && return 0
    for _ in $(seq 30); do
      alive=0; for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
      [ "$alive" = 0 ] && return 0; sleep 0.1
    done
  done
}

bench_cleanup() {
  local rc=$? p tree=() g
  set +e
  for p in "${BENCH_PIDS[@]}"; do kill -0 "$p" 2>/dev/null && tree+=($(bench_process_tree "$p")); done
  for g in "${BENCH_GROUPS[@]}"; do kill -TERM -- "-$g" 2>/dev/null; done
  [ "${#tree[@]}" -gt 0 ] && bench_stop "${tree[@]}"
  for g in "${BENCH_GROUPS[@]}"; do kill -KILL -- "-$g" 2>/dev/null; done
  for p in "${BENCH_NFT[@]}"; do ip netns exec "${p%%:*}" nft delete table ip "${p#*:}" 2>/dev/null; done
  for p in "${BENCH_NETNS[@]}"; do ip netns del "$p" 2>/dev/null; done
  if [ -n "$BENCH_WORK" ] && [ -d "$BENCH_WORK" ]; then
    if [ "${KEEP:-0}" = 1 ]; then echo "raw logs kept in $BENCH_WORK" >&2; else rm -rf "$BENCH_WORK"; fi
  fi
  return $rc
}

# Installs the named commands' Debian packages when a command is missing: bench_require cmd:package ...
bench_require() {
  local missing=() pair
  for pair in "$@"; do command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}"); done
  [ "${#missing[@]}" = 0 ] && return 0
  bench_log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2 \
    || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2; } \
    || bench_die "cannot install ${missing[*]}"
}

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
