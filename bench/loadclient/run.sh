#!/usr/bin/env bash
# The AnyConnect load client for bench/compare.sh: builds it on first use (JDK from bin/find-jdk), then runs it.
#   run.sh --server HOST:PORT (--pin-sha256 B64 | --insecure) --auth token:FILE|password:USER:PASS
#          --mode logins --concurrency N --duration SECONDS [--warmup SECONDS, default 5, not counted]
#                                                              -> prints logins_per_sec=<f> and failures=<n>
#          --mode hold --sessions N [--ramp PER_SEC]           -> prints established=N, holds until SIGTERM or stdin EOF
# LOADCLIENT_JAVA_OPTS passes JVM options (default: a small fixed heap).
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "$here/../.." && pwd)"
JAVA_HOME="$("$root/bin/find-jdk")" || exit 2
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
if [ ! -f "$here/target/loadclient.jar" ] || [ ! -d "$here/target/lib" ]; then
  echo "loadclient: building (mvn package)..." >&2
  # -o when the dependencies are already in the local repository (no network in the lab), else a normal build.
  (cd "$here" && { mvn -B -o -q package -DskipTests >&2 || mvn -B -q package -DskipTests >&2; }) \
    || { echo "loadclient: build failed" >&2; exit 1; }
fi
exec "$JAVA_HOME/bin/java" ${LOADCLIENT_JAVA_OPTS:--Xms64m -Xmx256m -XX:+UseSerialGC} --enable-native-access=ALL-UNNAMED \
  -cp "$here/target/loadclient.jar:$here/target/lib/*" io.github.tunnelgw.loadclient.LoadClient "$@"
