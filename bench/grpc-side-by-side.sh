#!/usr/bin/env bash
# The zero-copy monolith against the same components over gRPC, one run, same workload:
#   inprocess  one process of -target=distributor,ingester: the distributor hands its decoded batch to the
#              ingester in-process (no serialization, no copy);
#   grpc       -target=ingester and -target=distributor as two processes joined by memberlist: every push
#              is re-encoded by the distributor and decoded again by the ingester over loopback gRPC.
# Load: mimir.bench.RemoteWriteLoad (remote write 1.0, SERIES series x 10 labels, SAMPLES samples each,
# 2,000 samples per request, SENDERS senders), phase "new" then "existing". Reports samples/s and the
# CPU seconds per 1 M samples of all the setup's server processes together (utime+stime from /proc).
#
# Usage: bench/grpc-side-by-side.sh   (env: SERIES=50000 SAMPLES=40 SENDERS=4 SKIP_BUILD=1 MIMIR_CMD=...)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

SERIES=${SERIES:-50000}
SAMPLES=${SAMPLES:-40}
SENDERS=${SENDERS:-4}
MIMIR_CMD=${MIMIR_CMD:-$root/distribution/target/mimir-all/bin/mimir}
LIMITS="-distributor.ingestion-rate-limit=1000000000 -distributor.ingestion-burst-size=1000000000 -ingester.max-global-series-per-user=0"

source .ci/find-jdk25.sh
source bench/lib.sh
if [ -z "${SKIP_BUILD:-}" ]; then
  ./mvnw -B -q -o -pl bench -am -DskipTests package
fi
classpath="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
work=$(mktemp -d /tmp/grpc-side-by-side.XXXXXX)
pids=()
trap 'for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT

cpu_ticks() { local sum=0; for p in "$@"; do sum=$((sum + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo $sum; }
ticks=$(getconf CLK_TCK)

# run_mimir NAME ARGS...: starts a process on free ports, prints "pid http_port gossip_port"
run_mimir() {
  local name=$1; shift
  local http grpc gossip
  http=$(free_port); grpc=$(free_port); gossip=$(free_port)
  mkdir -p "$work/$name"
  # shellcheck disable=SC2086
  (cd "$work/$name" && exec "$MIMIR_CMD" $LIMITS -server.http-listen-address=127.0.0.1 -server.http-listen-port="$http" \
    -server.grpc-listen-address=127.0.0.1 -server.grpc-listen-port="$grpc" -memberlist.bind-addr=127.0.0.1 -memberlist.bind-port="$gossip" \
    -ingester.ring.instance-addr=127.0.0.1 -distributor.ring.instance-addr=127.0.0.1 -ingester.ring.instance-id="$name" \
    -blocks-storage.tsdb.dir="$work/$name/tsdb" -blocks-storage.filesystem.dir="$work/bucket" "$@" >"$work/$name.log" 2>&1) &
  echo "$! $http $gossip"
}

await_ready() {
  for _ in $(seq 1200); do
    curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$1/ready" && return 0
    sleep 0.05
  done
  log "not ready: port $1"; return 1
}

load() {  # PHASE URL
  timeout 1800 "$JAVA_HOME/bin/java" -Xmx1g --sun-misc-unsafe-memory-access=allow -cp "$classpath" mimir.bench.RemoteWriteLoad \
    --url "$2" --series "$SERIES" --samples "$SAMPLES" --senders "$SENDERS" --phase "$1" --start "$start_ms" --tenant bench | grep '^phase='
}

field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p"; }

per_million() { awk -v c="$1" -v h="$ticks" -v s="$2" 'BEGIN {printf "%.2f", c / h / s * 1e6}'; }

# measure SETUP PUSH_PORT PIDS...: runs both phases, prints a table row; with two processes (distributor
# first, then ingester) the CPU column also gives each one's part.
measure() {
  local setup=$1 port=$2; shift 2
  local row="| $setup"
  for phase in new existing; do
    local before after out samples secs split=""
    before=$(cpu_ticks "$@")
    local d0 i0
    d0=$(cpu_ticks "$1"); i0=$(cpu_ticks "${@: -1}")
    out=$(load "$phase" "http://127.0.0.1:$port/api/v1/push")
    after=$(cpu_ticks "$@")
    samples=$(echo "$out" | field samples); secs=$(echo "$out" | field seconds)
    if [ $# -gt 1 ]; then
      split=" (distributor $(per_million $(( $(cpu_ticks "$1") - d0 )) "$samples"), ingester $(per_million $(( $(cpu_ticks "${@: -1}") - i0 )) "$samples"))"
    fi
    row="$row | $(awk -v s="$samples" -v t="$secs" 'BEGIN {printf "%.0f", s / t}') | $(per_million $((after - before)) "$samples")$split"
  done
  echo "$row |"
}

start_ms=$(( ($(date +%s) - 3600) * 1000 ))
echo "| setup | samples/s (new) | CPU s / 1M samples (new) | samples/s (existing) | CPU s / 1M samples (existing) |"
echo "|---|---|---|---|---|"

read -r p http _ < <(run_mimir inprocess -target=distributor,ingester)
pids+=("$p"); await_ready "$http"
measure inprocess "$http" "$p"
kill -TERM "$p"; wait "$p" 2>/dev/null || true; pids=()

read -r pi httpi gossipi < <(run_mimir ingester -target=ingester)
pids+=("$pi"); await_ready "$httpi"
read -r pd httpd _ < <(run_mimir distributor -target=distributor -memberlist.join=127.0.0.1:"$gossipi")
pids+=("$pd"); await_ready "$httpd"
for _ in $(seq 200); do
  curl -s -H 'Accept: application/json' "http://127.0.0.1:$httpd/ingester/ring" | grep -q '"state":"ACTIVE"' && break
  sleep 0.1
done
measure grpc "$httpd" "$pd" "$pi"
