#!/usr/bin/env bash
# JMH microbenchmarks of the packet path (see README.md beside this script).
#   run.sh                 the whole suite with the short settings of docs/benchmarks.md, with -prof gc
#   run.sh ARGS...         JMH's own arguments instead, e.g. run.sh PacketSwitch -p packetSize=1400 -prof gc
#   run.sh -h | -l         JMH's help | the benchmark list
# JMH_THREADS=netty runs the benchmark threads as Netty FastThreadLocalThreads (as on an event loop) instead of JMH's
# plain threads (as the tun readers); see NettyThreadExecutor.
# Builds first (JMH_SKIP_BUILD=1 skips it): gateway-tun, gateway-auth, gateway-core and this project in one reactor
# (reactor/pom.xml), so the benchmarks run against the working tree's classes and nothing is installed.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "$here/../.." && pwd)"
JAVA_HOME="$("$root/bin/find-jdk")" || exit 2
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
if [ "${JMH_SKIP_BUILD:-0}" != 1 ] || [ ! -f "$here/target/jmh-benchmarks.jar" ]; then
  echo "jmh: building (mvn package, tests skipped)..." >&2
  build=(mvn -B -q -f "$here/reactor/pom.xml" package -Dmaven.test.skip=true)
  # -o when everything is in the local repository already (no network in the lab), else a normal build once.
  (cd "$root" && { "${build[@]}" -o >&2 || "${build[@]}" >&2; }) || { echo "jmh: build failed" >&2; exit 1; }
fi
if [ $# -eq 0 ]; then
  set -- -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc
fi
case "${JMH_THREADS:-plain}" in
  plain) ;;
  netty) set -- -jvmArgs "-Djmh.executor=CUSTOM -Djmh.executor.class=io.github.tunnelgw.bench.NettyThreadExecutor" "$@" ;;
  *) echo "jmh: JMH_THREADS is plain or netty, not ${JMH_THREADS}" >&2; exit 2 ;;
esac
exec "$JAVA_HOME/bin/java" -cp "$here/target/jmh-benchmarks.jar:$here/target/lib/*" org.openjdk.jmh.Main "$@"
