#!/bin/sh
# Builds an AOT cache (JEP 483/514/515) for this image at its install path: starts Mimir once with the
# write and read path on loopback ports and a temporary data directory, pushes a few OTLP samples, queries
# them through the query-frontend, reads /metrics and /config, stops it with SIGTERM, and leaves mimir.aot
# beside bin/ (classes loaded and linked, method profiles: start-up about halves). The image build runs
# it; run it again after changing lib/ or runtime/ or after moving the image (a cache is bound to its path).
set -e
MIMIR_HOME=$(cd "$(dirname "$0")/.." && pwd -P)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
port=$(( 20000 + $$ % 20000 ))
rm -f "$MIMIR_HOME/mimir.aot"
MIMIR_AOT_OUTPUT=1 JAVA_OPTS="-XX:AOTCacheOutput=$MIMIR_HOME/mimir.aot $JAVA_OPTS" \
  "$MIMIR_HOME/bin/mimir" -target=distributor,ingester,querier,query-frontend,query-scheduler \
  -server.http-listen-address=127.0.0.1 -server.http-listen-port=$port \
  -server.grpc-listen-address=127.0.0.1 -server.grpc-listen-port=$((port + 1)) \
  -blocks-storage.tsdb.dir="$work/tsdb" -blocks-storage.filesystem.dir="$work/blocks" >"$work/log" 2>&1 &
pid=$!
i=0
until curl -sf "http://127.0.0.1:$port/ready" >/dev/null 2>&1; do
  i=$((i + 1))
  if [ $i -gt 300 ] || ! kill -0 $pid 2>/dev/null; then
    cat "$work/log" >&2
    echo "mimir-aot-train: mimir did not become ready" >&2
    kill $pid 2>/dev/null || true
    exit 1
  fi
  sleep 0.1
done
now=$(date +%s)
for i in 1 2 3 4 5; do
  body='{"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"aot"}}]},"scopeMetrics":[{"metrics":[{"name":"aot_training","gauge":{"dataPoints":[{"timeUnixNano":"'$(( (now - 60 + i) * 1000000000 ))'","asDouble":'$i'}]}}]}]}]}'
  curl -sf -o /dev/null -H 'X-Scope-OrgID: aot' -H 'Content-Type: application/json' --data "$body" "http://127.0.0.1:$port/otlp/v1/metrics" || true
done
curl -sf -o /dev/null -H 'X-Scope-OrgID: aot' --data-urlencode 'query=sum by (job) (rate(aot_training[5m]))' "http://127.0.0.1:$port/prometheus/api/v1/query" || true
curl -sf -o /dev/null -H 'X-Scope-OrgID: aot' --data-urlencode 'query=count by (__name__) ({__name__=~".+"})' --data-urlencode "start=$((now - 600))" \
  --data-urlencode "end=$now" --data-urlencode 'step=30' "http://127.0.0.1:$port/prometheus/api/v1/query_range" || true
curl -sf -o /dev/null -H 'X-Scope-OrgID: aot' "http://127.0.0.1:$port/prometheus/api/v1/series?match[]=aot_training" || true
curl -sf "http://127.0.0.1:$port/metrics" >/dev/null
curl -sf "http://127.0.0.1:$port/config" >/dev/null
kill -TERM $pid
wait $pid
[ -f "$MIMIR_HOME/mimir.aot" ] && echo "mimir-aot-train: wrote $MIMIR_HOME/mimir.aot ($(du -h "$MIMIR_HOME/mimir.aot" | cut -f1))"
