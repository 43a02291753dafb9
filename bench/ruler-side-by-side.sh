#!/usr/bin/env bash
# Rule evaluation side by side: our image (-target=all, the ruler in Mimir's internal mode) and Debian's
# Prometheus 2.42, one after another in one run, each fresh on 127.0.0.1 with a temporary directory. Both get
# the same data (mimir.bench.RemoteWriteLoad: SERIES series, SAMPLES samples 15 s apart ending now; every
# tenth series is http_requests_total with one of five jobs) and evaluate the same rule group every
# INTERVAL seconds at the current time (ours with -ruler.evaluation-delay-duration=0s):
#   - job:http_requests:rate5m      sum by (job) (rate(http_requests_total[5m]))
#   - instance:http_requests:rate5m sum by (instance) (rate(http_requests_total[5m]))   (one per series)
#   - count:series                  count({__name__=~".+"})
#   - alert HighRate                job:http_requests:rate5m > 0   (5 alerts, firing after 1 interval)
# Reports the median of EVALUATIONS group evaluation times (evaluationTime of /api/v1/rules, one sample per
# evaluation) and the rule results' series counts, which must agree.
#
# Usage: bench/ruler-side-by-side.sh   (env: SERIES=50000 SAMPLES=40 INTERVAL=5 EVALUATIONS=10 SKIP_BUILD=1)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

SERIES=${SERIES:-50000}
SAMPLES=${SAMPLES:-40}
INTERVAL=${INTERVAL:-5}
EVALUATIONS=${EVALUATIONS:-10}
SENDERS=${SENDERS:-4}
MIMIR_CMD=${MIMIR_CMD:-$root/distribution/target/mimir-all/bin/mimir}
PROMETHEUS=${PROMETHEUS:-/usr/bin/prometheus}
TENANT=bench

source .ci/find-jdk25.sh
source bench/lib.sh
if [ -z "${SKIP_BUILD:-}" ]; then
  ./mvnw -B -q -o -pl bench -am -DskipTests package
fi
classpath="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
work=$(mktemp -d /tmp/ruler-side-by-side.XXXXXX)
pid=""
trap 'if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT

cat >"$work/group.yaml" <<YAML
name: bench
interval: ${INTERVAL}s
rules:
  - record: job:http_requests:rate5m
    expr: sum by (job) (rate(http_requests_total[5m]))
  - record: instance:http_requests:rate5m
    expr: sum by (instance) (rate(http_requests_total[5m]))
  - record: count:series
    expr: count({__name__=~".+"})
  - alert: HighRate
    expr: job:http_requests:rate5m > 0
    for: ${INTERVAL}s
    labels:
      severity: page
    annotations:
      summary: "{{ \$labels.job }} at {{ \$value | humanize }} requests/s"
YAML
{ echo "groups:"; sed 's/^/  /; 1s/^  /  - /; 2,$s/^  /    /' "$work/group.yaml"; } >"$work/rules.yml"

now_ms=$(( $(date +%s) * 1000 ))
start_ms=$(( now_ms - (SAMPLES - 1) * 15000 ))

load() {  # load URL [TENANT]
  local args=(--url "$1" --series "$SERIES" --samples "$SAMPLES" --senders "$SENDERS" --phase both --start "$start_ms")
  [ -n "${2:-}" ] && args+=(--tenant "$2")
  timeout 1800 "$JAVA_HOME/bin/java" -Xmx1g --sun-misc-unsafe-memory-access=allow -cp "$classpath" mimir.bench.RemoteWriteLoad "${args[@]}" \
    | grep '^phase=' >&2
}

wait_for() {  # wait_for URL
  for _ in $(seq 6000); do
    curl -sf -o /dev/null --max-time 2 "$1" && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

# sample_evaluations RULES_URL HEADER: EVALUATIONS distinct group evaluation times (seconds), one per line.
sample_evaluations() {
  local url=$1 header=$2 last="" seen=0
  for _ in $(seq $(( EVALUATIONS * INTERVAL * 10 + 600 ))); do
    line=$(curl -s -H "$header" "$url" | python3 -c 'import json,sys
g=json.load(sys.stdin)["data"]["groups"]
print(g[0]["lastEvaluation"], g[0]["evaluationTime"]) if g else print("none 0")')
    ts=${line%% *}
    if [ "$ts" != none ] && [ "$ts" != "$last" ] && [ "$ts" != "0001-01-01T00:00:00Z" ]; then
      last=$ts
      seen=$((seen + 1))
      # The first evaluations run before the JIT has warmed up; they count like the others.
      echo "${line##* }"
      [ "$seen" -ge "$EVALUATIONS" ] && return 0
    fi
    sleep 0.1
  done
  return 1
}

count_series() {  # count_series QUERY_URL HEADER QUERY
  curl -s -H "$2" --data-urlencode "query=$3" "$1" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]["result"]))'
}

results=()
for system in mimir prometheus; do
  dir="$work/$system"
  mkdir -p "$dir"
  port=$(free_port)
  case $system in
    mimir)
      "$MIMIR_CMD" -server.http-listen-address=127.0.0.1 -memberlist.bind-addr=127.0.0.1 -memberlist.bind-port=0 -ingester.ring.instance-addr=127.0.0.1 -server.http-listen-port="$port" -server.grpc-listen-address=127.0.0.1 \
        -server.grpc-listen-port="$(free_port)" -blocks-storage.tsdb.dir="$dir/tsdb" -blocks-storage.filesystem.dir="$dir/blocks" \
        -blocks-storage.bucket-store.sync-dir="$dir/sync" -compactor.data-dir="$dir/compactor" -ruler-storage.filesystem.dir="$dir/ruler" \
        -distributor.ingestion-rate-limit=1000000000 -distributor.ingestion-burst-size=1000000000 -ingester.max-global-series-per-user=0 \
        -ruler.evaluation-delay-duration=0s -querier.max-fetched-series-per-query=0 >"$dir/server.log" 2>&1 &
      pid=$!
      wait_for "http://127.0.0.1:$port/ready" || { log "mimir did not start: $(tail -5 "$dir/server.log")"; exit 1; }
      load "http://127.0.0.1:$port/api/v1/push" "$TENANT"
      curl -sf -H "X-Scope-OrgID: $TENANT" --data-binary @"$work/group.yaml" "http://127.0.0.1:$port/prometheus/config/v1/rules/bench" >/dev/null
      rules="http://127.0.0.1:$port/prometheus/api/v1/rules"; query="http://127.0.0.1:$port/prometheus/api/v1/query"; header="X-Scope-OrgID: $TENANT"
      ;;
    prometheus)
      printf 'global:\n  scrape_interval: 1h\n  evaluation_interval: %ss\nrule_files: [%s]\nscrape_configs: []\n' "$INTERVAL" "$work/rules.yml" \
        >"$dir/prometheus.yml"
      "$PROMETHEUS" --web.enable-remote-write-receiver --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
        --web.listen-address="127.0.0.1:$port" >"$dir/server.log" 2>&1 &
      pid=$!
      wait_for "http://127.0.0.1:$port/-/ready" || { log "prometheus did not start: $(tail -5 "$dir/server.log")"; exit 1; }
      load "http://127.0.0.1:$port/api/v1/write"
      rules="http://127.0.0.1:$port/api/v1/rules"; query="http://127.0.0.1:$port/api/v1/query"; header="X-Bench: 1"
      ;;
  esac
  times=$(sample_evaluations "$rules" "$header") || { log "$system: too few evaluations"; exit 1; }
  median_ms=$(echo "$times" | median | awk '{printf "%.1f", $1 * 1000}')
  instances=$(count_series "$query" "$header" "instance:http_requests:rate5m")
  alerts=$(count_series "$query" "$header" 'ALERTS{alertname="HighRate"}')
  results+=("| $system | $median_ms | $instances | $alerts |")
  log "$system: evaluation times (s): $(echo "$times" | tr '\n' ' ')"
  stop
done

echo "Rule group evaluation, $SERIES series, every ${INTERVAL}s, median of $EVALUATIONS evaluations (one run, $(nproc) cores)"
echo
echo "| system | group evaluation ms | instance:http_requests:rate5m series | HighRate ALERTS series |"
echo "|---|---|---|---|"
printf '%s\n' "${results[@]}"
