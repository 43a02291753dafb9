#!/usr/bin/env bash
# Side-by-side ingest and query benchmark: our image, Prometheus and VictoriaMetrics, one after another in
# one run, each started fresh on 127.0.0.1 with a temporary data directory. Per system:
#   - remote-write 1.0 load (mimir.bench.RemoteWriteLoad: SERIES series x 10 labels, SAMPLES samples each
#     15 s apart, 2,000 samples per request, SENDERS concurrent senders), phase "new" (first sample of every
#     series) then "existing" (the other samples);
#   - server CPU seconds per 1 M samples (utime+stime of /proc/<pid>/stat around each phase) and samples/s;
#     the existing phase is sent in two halves (samples 1 to SAMPLES/2 - 1, then the rest) and reported
#     whole and for its second half alone, when a JIT-compiled server has finished compiling its push path;
#   - VmRSS per active series after the load;
#   - median of QUERY_RUNS (10) latencies of sum by (job) (rate(http_requests_total[5m])) and
#     count by (__name__) ({__name__=~".+"}), range queries over the last 30 min of the data at a 30 s step,
#     through each system's Prometheus API (ours under /prometheus);
#   - restart-to-ready: SIGTERM, start again on the same data, poll readiness.
# Prints a markdown table. A system whose binary is missing, that does not start, or (ours) whose push
# endpoint answers 404 is reported as skipped.
#
# Usage: bench/side-by-side.sh            (env: SYSTEMS="mimir prometheus victoriametrics" SERIES=100000
#        SAMPLES=120 SENDERS=4 ROUNDS=1 MIMIR_CMD=... MIMIR_ARGS=... PROMETHEUS=... VICTORIA_METRICS=...
#        SKIP_BUILD=1 to reuse bench/target)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

SYSTEMS=${SYSTEMS:-"mimir prometheus victoriametrics"}
SERIES=${SERIES:-100000}
SAMPLES=${SAMPLES:-120}
SENDERS=${SENDERS:-4}
ROUNDS=${ROUNDS:-1}
QUERY_RUNS=${QUERY_RUNS:-10}
READY_TIMEOUT=${READY_TIMEOUT:-300}   # seconds, for start and restart
MIMIR_CMD=${MIMIR_CMD:-$root/distribution/target/mimir-all/bin/mimir}
MIMIR_ARGS=${MIMIR_ARGS:-"-target=distributor,ingester,querier,query-frontend,query-scheduler -distributor.ingestion-rate-limit=1000000000 -distributor.ingestion-burst-size=1000000000 -ingester.max-global-series-per-user=0"}
MIMIR_TENANT=${MIMIR_TENANT:-bench}
PROMETHEUS=${PROMETHEUS:-/usr/bin/prometheus}
VICTORIA_METRICS=${VICTORIA_METRICS:-/usr/bin/victoria-metrics}

source .ci/find-jdk25.sh
source bench/lib.sh
if [ -z "${SKIP_BUILD:-}" ]; then
  ./mvnw -B -q -o -pl bench -am -DskipTests package
fi
classpath="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
ticks=$(getconf CLK_TCK)
work=$(mktemp -d /tmp/side-by-side.XXXXXX)
pid=""
trap 'if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# start SYSTEM DIR PORT GRPC_PORT: starts the system in the background, sets pid.
start() {
  local system=$1 dir=$2 port=$3 grpc=$4
  case $system in
    mimir)
      # shellcheck disable=SC2086
      "$MIMIR_CMD" $MIMIR_ARGS -server.http-listen-address=127.0.0.1 -memberlist.bind-addr=127.0.0.1 -memberlist.bind-port=0 -ingester.ring.instance-addr=127.0.0.1 -server.http-listen-port="$port" \
        -server.grpc-listen-address=127.0.0.1 -server.grpc-listen-port="$grpc" \
        -blocks-storage.tsdb.dir="$dir/tsdb" -blocks-storage.backend=filesystem \
        -blocks-storage.filesystem.dir="$dir/blocks" >>"$dir/server.log" 2>&1 &
      ;;
    prometheus)
      [ -f "$dir/prometheus.yml" ] || printf 'global:\n  scrape_interval: 1h\nscrape_configs: []\n' >"$dir/prometheus.yml"
      "$PROMETHEUS" --web.enable-remote-write-receiver --config.file="$dir/prometheus.yml" \
        --storage.tsdb.path="$dir/data" --web.listen-address="127.0.0.1:$port" >>"$dir/server.log" 2>&1 &
      ;;
    victoriametrics)
      # No rollup-result cache: every one of the repeated queries is evaluated, as in the other two.
      "$VICTORIA_METRICS" -httpListenAddr="127.0.0.1:$port" -storageDataPath="$dir/data" -search.disableCache \
        >>"$dir/server.log" 2>&1 &
      ;;
  esac
  pid=$!
}

ready_url() {
  case $1 in
    mimir) echo "http://127.0.0.1:$2/ready" ;;
    prometheus) echo "http://127.0.0.1:$2/-/ready" ;;
    victoriametrics) echo "http://127.0.0.1:$2/health" ;;
  esac
}

push_url() {
  case $1 in
    mimir) echo "http://127.0.0.1:$2/api/v1/push" ;;
    *) echo "http://127.0.0.1:$2/api/v1/write" ;;
  esac
}

api_prefix() {
  case $1 in
    mimir) echo "http://127.0.0.1:$2/prometheus/api/v1" ;;
    *) echo "http://127.0.0.1:$2/api/v1" ;;
  esac
}

# wait_ready URL: polls every 50 ms up to READY_TIMEOUT seconds; prints the wait in seconds, fails on timeout
# or if the server died.
wait_ready() {
  local url=$1 begin now
  begin=$(date +%s%N)
  for _ in $(seq $((READY_TIMEOUT * 20))); do
    if curl -sf -o /dev/null --max-time 2 "$url"; then
      now=$(date +%s%N)
      awk -v ns=$((now - begin)) 'BEGIN {printf "%.2f", ns / 1e9}'
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

# load PHASE URL TENANT START [FROM TO]: runs one phase (existing: samples [FROM, TO)), prints its
# "phase=... samples=..." line; status 3 = 404.
load() {
  local args=(--url "$2" --series "$SERIES" --samples "$SAMPLES" --senders "$SENDERS" --phase "$1" --start "$4")
  [ -n "${5:-}" ] && args+=(--from "$5" --to "$6")
  [ -n "$3" ] && args+=(--tenant "$3")
  timeout 1800 "$JAVA_HOME/bin/java" -Xmx1g --sun-misc-unsafe-memory-access=allow -cp "$classpath" mimir.bench.RemoteWriteLoad "${args[@]}" | grep '^phase='
  return "${PIPESTATUS[0]}"
}

field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p"; }

# query_ms PREFIX TENANT QUERY START END: median latency in ms of QUERY_RUNS range queries, "fail" on an error.
query_ms() {
  local prefix=$1 tenant=$2 query=$3 qstart=$4 qend=$5 out times=()
  local headers=()
  [ -n "$tenant" ] && headers=(-H "X-Scope-OrgID: $tenant")
  for _ in $(seq "$QUERY_RUNS"); do
    out=$(curl -s --max-time 60 "${headers[@]}" -o "$work/query.json" -w '%{http_code} %{time_total}' \
      --data-urlencode "query=$query" --data-urlencode "start=$qstart" --data-urlencode "end=$qend" \
      --data-urlencode "step=30" "$prefix/query_range") || { echo fail; return; }
    if [ "${out%% *}" != 200 ] || ! grep -q '"status":"success"' "$work/query.json"; then
      log "query failed: $out $(head -c 300 "$work/query.json")"
      echo fail
      return
    fi
    times+=("$(awk -v s="${out#* }" 'BEGIN {printf "%.1f", s * 1000}')")
  done
  log "  $(grep -o '"metric"' "$work/query.json" | wc -l) series in the result of $query"
  printf '%s\n' "${times[@]}" | median
}

rows=()
run_system() {
  local system=$1 binary dir port grpc tenant="" start_ms end_s before after line new_line existing_line
  case $system in
    mimir) binary=$MIMIR_CMD; tenant=$MIMIR_TENANT ;;
    prometheus) binary=$PROMETHEUS ;;
    victoriametrics) binary=$VICTORIA_METRICS ;;
    *) log "unknown system $system"; return ;;
  esac
  if [ ! -x "$binary" ]; then
    rows+=("| $system | skipped: no $binary | | | | | | | | |")
    return
  fi
  dir="$work/$system"
  rm -rf "$dir" && mkdir -p "$dir"
  port=$(free_port)
  grpc=$(free_port)
  log "== $system on 127.0.0.1:$port, data in $dir"
  start "$system" "$dir" "$port" "$grpc"
  if ! wait_ready "$(ready_url "$system" "$port")" >/dev/null; then
    log "$system did not become ready; last log lines:"; tail -5 "$dir/server.log" >&2 || true
    stop
    rows+=("| $system | skipped: not ready | | | | | | | | |")
    return
  fi
  # The last sample a minute before now, on a 15 s boundary.
  end_s=$(( ($(date +%s) - 60) / 15 * 15 ))
  start_ms=$(( (end_s - (SAMPLES - 1) * 15) * 1000 ))
  local status=0
  before=$(cpu_ticks "$pid")
  new_line=$(load new "$(push_url "$system" "$port")" "$tenant" "$start_ms") || status=$?
  after=$(cpu_ticks "$pid")
  if [ "$status" -ne 0 ]; then
    stop
    if [ "$status" -eq 3 ]; then
      rows+=("| $system | skipped: push endpoint answers 404 | | | | | | | | |")
    else
      rows+=("| $system | failed: load exit $status | | | | | | | | |")
    fi
    return
  fi
  local new_cpu new_rate existing_cpu existing_rate steady_cpu
  new_cpu=$(awk -v t=$((after - before)) -v hz="$ticks" -v n="$(echo "$new_line" | field samples)" 'BEGIN {printf "%.2f", t / hz / n * 1e6}')
  new_rate=$(echo "$new_line" | field samples_per_second)
  local half=$((SAMPLES / 2)) first_line first_ticks second_ticks
  [ "$half" -lt 2 ] && half=2
  before=$(cpu_ticks "$pid")
  first_line=$(load existing "$(push_url "$system" "$port")" "$tenant" "$start_ms" 1 "$half") || status=$?
  after=$(cpu_ticks "$pid")
  first_ticks=$((after - before))
  if [ "$status" -eq 0 ]; then
    before=$(cpu_ticks "$pid")
    existing_line=$(load existing "$(push_url "$system" "$port")" "$tenant" "$start_ms" "$half" "$SAMPLES") || status=$?
    after=$(cpu_ticks "$pid")
  fi
  if [ "$status" -ne 0 ]; then
    stop
    rows+=("| $system | failed: load exit $status | | | | | | | | |")
    return
  fi
  second_ticks=$((after - before))
  local first_samples second_samples
  first_samples=$(echo "$first_line" | field samples)
  second_samples=$(echo "$existing_line" | field samples)
  existing_cpu=$(awk -v t=$((first_ticks + second_ticks)) -v hz="$ticks" -v n=$((first_samples + second_samples)) 'BEGIN {printf "%.2f", t / hz / n * 1e6}')
  steady_cpu=$(awk -v t="$second_ticks" -v hz="$ticks" -v n="$second_samples" 'BEGIN {printf "%.2f", t / hz / n * 1e6}')
  existing_rate=$(echo "$first_line $existing_line" | awk '{for (i = 1; i <= NF; i++) {split($i, kv, "="); if (kv[1] == "samples") n += kv[2]; if (kv[1] == "seconds") s += kv[2]}} END {printf "%.0f", n / s}')
  log "  $new_line"
  log "  $first_line"
  log "  $existing_line"
  # Let the JVM's idle periodic GC (bin/mimir: -XX:G1PeriodicGCInterval=5000) return the load's garbage, as a
  # long-running process does; the other systems are measured after the same pause.
  sleep 10
  local rss per_series sum_rate count_name restart
  rss=$(rss_kb "$pid")
  per_series=$(awk -v kb="$rss" -v n="$SERIES" 'BEGIN {printf "%.0f", kb * 1024 / n}')
  local prefix qend qstart
  prefix=$(api_prefix "$system" "$port")
  qend=$end_s
  qstart=$((end_s - 1800))
  sum_rate=$(query_ms "$prefix" "$tenant" 'sum by (job) (rate(http_requests_total[5m]))' "$qstart" "$qend")
  count_name=$(query_ms "$prefix" "$tenant" 'count by (__name__) ({__name__=~".+"})' "$qstart" "$qend")
  stop
  start "$system" "$dir" "$port" "$grpc"
  restart=$(wait_ready "$(ready_url "$system" "$port")") || restart="fail"
  stop
  rows+=("| $system | $new_cpu | $existing_cpu | $steady_cpu | $new_rate | $existing_rate | $((rss / 1024)) MiB, $per_series B | $sum_rate | $count_name | $restart |")
  rm -rf "$dir"
}

for round in $(seq "$ROUNDS"); do
  for system in $SYSTEMS; do
    log "-- round $round"
    run_system "$system"
  done
done

echo
echo "$SERIES series x $SAMPLES samples (15 s apart), $SENDERS senders, 2,000 samples per request, $(nproc) CPUs; queries: median of $QUERY_RUNS, 30 min at 30 s step"
echo
echo "| system | CPU s / 1M samples (new series) | CPU s / 1M samples (existing) | (existing, 2nd half) | samples/s (new) | samples/s (existing) | RSS after load (total, per series) | sum by (job) (rate(...[5m])) ms | count by (__name__) ms | restart to ready s |"
echo "|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
