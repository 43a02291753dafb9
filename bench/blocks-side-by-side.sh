#!/usr/bin/env bash
# Long-term storage benchmark: data held in blocks, not in a head, served by ours (store-gateway + querier
# over the embedded filesystem bucket), Debian's Prometheus (the same blocks in its data directory) and
# Debian's VictoriaMetrics (the same samples imported through /api/v1/import), one after another in one run.
#
#   1. mimir.bench.BlocksGenerator writes SERIES counters x DAYS days, a sample every STEP s, ending a day
#      ago, as 2 h blocks in a bucket layout;
#   2. compaction: `bin/mimir -target=compactor` merges them (2 h -> 12 h -> 24 h); reported: generated samples
#      per second from the first job's start to the last job's end, the compactor's CPU seconds (whole process)
#      and peak RSS (VmHWM);
#   3. queries over the whole range at a 1 h step, cold (first after start) and warm (median of QUERY_RUNS):
#      sum by (job) (rate(bench_requests_total[5m])) and max_over_time(bench_requests_total{instance="i-42"}[1h]);
#      ours through the querier's Prometheus API (no query-frontend, so no results cache), VictoriaMetrics
#      with -search.disableCache;
#   4. ours: bytes read from the bucket for the cold and for a warm query (cortex_bucket_store_fetched_bytes_total),
#      index-header bytes on local disk against the blocks' index bytes, RSS after the queries.
#
# Usage: bench/blocks-side-by-side.sh   (env: SERIES=10000 DAYS=7 STEP=300 QUERY_RUNS=5 SKIP_BUILD=1)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
SERIES=${SERIES:-10000}
DAYS=${DAYS:-7}
STEP=${STEP:-300}
QUERY_RUNS=${QUERY_RUNS:-5}
MIMIR=${MIMIR:-$root/distribution/target/mimir-all/bin/mimir}
PROMETHEUS=${PROMETHEUS:-/usr/bin/prometheus}
VICTORIA_METRICS=${VICTORIA_METRICS:-/usr/bin/victoria-metrics}

source .ci/find-jdk25.sh
source bench/lib.sh
if [ -z "${SKIP_BUILD:-}" ]; then
  ./mvnw -B -q -o -pl bench -am -DskipTests package
fi
classpath="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
ticks=$(getconf CLK_TCK)
work=$(mktemp -d /tmp/blocks-side-by-side.XXXXXX)
pid=""
trap 'if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
wait_url() {
  for _ in $(seq 6000); do
    curl -sf -o /dev/null --max-time 2 "$1" && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}
metric() { curl -sf "$1/metrics" | awk -v m="$2" '$1 == m {printf "%d\n", $2}'; }

end=$(( $(date +%s) - 86400 ))
log "== generating $SERIES series x $DAYS days every $STEP s"
gen=$("$JAVA_HOME/bin/java" -cp "$classpath" mimir.bench.BlocksGenerator --dir "$work/bucket" --tenant bench --series "$SERIES" --days "$DAYS" \
  --step "$STEP" --end "$end")
log "  $gen"
samples=$(echo "$gen" | sed -n 's/.*samples=\([0-9]*\).*/\1/p')
qstart=$(echo "$gen" | sed -n 's/.* start=\([0-9]*\).*/\1/p')
qend=$(echo "$gen" | sed -n 's/.* end=\([0-9]*\).*/\1/p')
blocks_before=$(ls "$work/bucket/bench" | wc -l)

log "== compaction"
port=$(free_port)
"$MIMIR" -target=compactor -server.http-listen-address=127.0.0.1 -memberlist.bind-addr=127.0.0.1 -memberlist.bind-port=0 -ingester.ring.instance-addr=127.0.0.1 -server.http-listen-port="$port" -server.grpc-listen-address=127.0.0.1 \
  -server.grpc-listen-port="$(free_port)" -blocks-storage.filesystem.dir="$work/bucket" -compactor.data-dir="$work/compactor" \
  -compactor.compaction-interval=30s -compactor.first-level-compaction-wait-period=0s -compactor.deletion-delay=0s \
  -compactor.cleanup-interval=10s >"$work/compactor.log" 2>&1 &
pid=$!
wait_url "http://127.0.0.1:$port/ready"
for _ in $(seq 1800); do
  jobs=$(grep -c "compaction job succeeded" "$work/compactor.log" || true)
  planned=$(curl -sf "http://127.0.0.1:$port/compactor/tenant/bench/planned_jobs" || echo x)
  if [ "$jobs" -gt 0 ] && [ -z "$planned" ]; then break; fi
  sleep 1
done
cpu=$(awk -v t="$ticks" '{printf "%.1f", ($14 + $15) / t}' "/proc/$pid/stat")
hwm=$(awk '/^VmHWM:/ {printf "%d", $2 / 1024}' "/proc/$pid/status")
sleep 12   # one cleanup: the merged inputs (deletion delay 0) go, the bucket index is written
stop
first=$(grep "compaction job started" "$work/compactor.log" | head -1 | sed -n 's/^ts=\([^ ]*\) .*/\1/p')
last=$(grep "compaction job succeeded" "$work/compactor.log" | tail -1 | sed -n 's/^ts=\([^ ]*\) .*/\1/p')
span=$(python3 -c "import datetime,sys; f=lambda s: datetime.datetime.fromisoformat(s.replace('Z','+00:00')); print((f('$last')-f('$first')).total_seconds())")
blocks_after=$(ls "$work/bucket/bench" | grep -c '^[0-9A-Z]\{26\}$' || true)
log "  jobs=$jobs blocks $blocks_before -> $blocks_after, cpu=${cpu}s, peak RSS ${hwm} MiB, first job start to last job end ${span}s"

queries=("sum by (job) (rate(bench_requests_total[5m]))" "max_over_time(bench_requests_total{instance=\"i-42\"}[1h])")
# time_query PREFIX QUERY: prints milliseconds of one range query over the data.
time_query() {
  curl -s -o /dev/null -w '%{time_total}\n' -H 'X-Scope-OrgID: bench' "$1/query_range" --data-urlencode "query=$2" \
    --data-urlencode "start=$qstart" --data-urlencode "end=$((qend - 60))" --data-urlencode "step=3600" | awk '{printf "%.1f\n", $1 * 1000}'
}
declare -A cold warm
run_queries() {
  local system=$1 prefix=$2 i
  for i in "${!queries[@]}"; do
    cold[$system,$i]=$(time_query "$prefix" "${queries[$i]}")
    warm[$system,$i]=$(for _ in $(seq "$QUERY_RUNS"); do time_query "$prefix" "${queries[$i]}"; done | median)
  done
}

log "== mimir"
port=$(free_port)
"$MIMIR" -target=distributor,ingester,querier,store-gateway -server.http-listen-address=127.0.0.1 -memberlist.bind-addr=127.0.0.1 -memberlist.bind-port=0 -ingester.ring.instance-addr=127.0.0.1 -server.http-listen-port="$port" \
  -server.grpc-listen-address=127.0.0.1 -server.grpc-listen-port="$(free_port)" -blocks-storage.tsdb.dir="$work/tsdb" \
  -blocks-storage.filesystem.dir="$work/bucket" -blocks-storage.bucket-store.sync-dir="$work/sync" -querier.query-store-after=0s \
  -blocks-storage.bucket-store.ignore-blocks-within=0s -querier.max-fetched-chunks-per-query=0 -querier.max-fetched-series-per-query=0 \
  >"$work/mimir.log" 2>&1 &
pid=$!
wait_url "http://127.0.0.1:$port/ready"
idle_rss=$(awk '/^VmRSS:/ {printf "%d", $2 / 1024}' "/proc/$pid/status")
fetched0=$(metric "http://127.0.0.1:$port" cortex_bucket_store_fetched_bytes_total)
cold_one=$(time_query "http://127.0.0.1:$port/prometheus/api/v1" "${queries[0]}")
fetched1=$(metric "http://127.0.0.1:$port" cortex_bucket_store_fetched_bytes_total)
time_query "http://127.0.0.1:$port/prometheus/api/v1" "${queries[0]}" >/dev/null
fetched2=$(metric "http://127.0.0.1:$port" cortex_bucket_store_fetched_bytes_total)
run_queries mimir "http://127.0.0.1:$port/prometheus/api/v1"
cold[mimir,0]=$cold_one
rss=$(awk '/^VmRSS:/ {printf "%d", $2 / 1024}' "/proc/$pid/status")
headers=$(find "$work/sync" -name index-header -printf '%s\n' | awk '{s+=$1} END {print s+0}')
indexes=$(find "$work/bucket/bench" -name index -printf '%s\n' | awk '{s+=$1} END {print s+0}')
stop

log "== prometheus"
mkdir -p "$work/prometheus/data"
for b in "$work/bucket/bench"/*/; do
  [ -f "$b/meta.json" ] && cp -r "$b" "$work/prometheus/data/"
done
printf 'global:\n  scrape_interval: 1h\n' >"$work/prometheus/prometheus.yml"
port=$(free_port)
"$PROMETHEUS" --config.file="$work/prometheus/prometheus.yml" --storage.tsdb.path="$work/prometheus/data" --storage.tsdb.retention.time=30d \
  --web.listen-address="127.0.0.1:$port" >"$work/prometheus.log" 2>&1 &
pid=$!
wait_url "http://127.0.0.1:$port/-/ready"
run_queries prometheus "http://127.0.0.1:$port/api/v1"
stop

log "== victoriametrics"
port=$(free_port)
"$VICTORIA_METRICS" -httpListenAddr="127.0.0.1:$port" -storageDataPath="$work/vm" -search.disableCache -retentionPeriod=1y >"$work/vm.log" 2>&1 &
pid=$!
wait_url "http://127.0.0.1:$port/health"
log "  $("$JAVA_HOME/bin/java" -cp "$classpath" mimir.bench.BlocksGenerator --dir "$work/unused" --series "$SERIES" --days "$DAYS" --step "$STEP" \
  --end "$end" --vm-url "http://127.0.0.1:$port/api/v1/import")"
curl -sf "http://127.0.0.1:$port/internal/force_flush" >/dev/null || true
sleep 2
run_queries victoriametrics "http://127.0.0.1:$port/api/v1"
stop

echo
echo "$SERIES series x $DAYS days, a sample every $STEP s ($samples samples, $blocks_before 2 h blocks); range queries over the $DAYS days at a 1 h step"
echo
echo "| system | sum by (job) (rate[5m]) cold ms | warm ms | max_over_time(x{instance}[1h]) cold ms | warm ms |"
echo "|---|---|---|---|---|"
for system in mimir prometheus victoriametrics; do
  echo "| $system | ${cold[$system,0]} | ${warm[$system,0]} | ${cold[$system,1]} | ${warm[$system,1]} |"
done
echo
echo "compaction ($blocks_before -> $blocks_after blocks, $samples samples): $(python3 -c "print(round($samples / max($span, 0.001)))") input samples/s from the first job's start to the last job's end ($jobs jobs, ${span} s; every sample is read once per level), compactor CPU ${cpu} s, peak RSS ${hwm} MiB"
echo "store-gateway: index-headers $headers bytes on disk for $indexes bytes of index ($(python3 -c "print(round(100 * $headers / max($indexes, 1), 1))") %); bytes read from the bucket: cold query $((fetched1 - fetched0)), warm $((fetched2 - fetched1)); RSS idle $idle_rss MiB, after the queries $rss MiB"
