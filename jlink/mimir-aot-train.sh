#!/bin/sh
# Builds an AOT cache (JEP 483/514/515) for this image at its install path, in two runs of Mimir with the
# write and read path on loopback ports and one temporary data (and working) directory: those of
# distributor, ingester, querier, query-frontend and query-scheduler that this image has (its IMAGE
# file), or all of its components if it has none of them; a request for a component the image lacks
# just fails. The first run (no cache) pushes 20,000 OTLP series and stops, so its head is
# snapshotted; the second, recorded, starts on that data (the restart path: snapshot load, decode and
# indexing), pushes a few samples, queries them through the query-frontend, reads /metrics and
# /config, and stops with SIGTERM (the snapshot write). It leaves
# mimir.aot beside bin/ (classes loaded and linked, method profiles). The image build runs it; run it
# again after changing lib/ or runtime/ or after moving the image (a cache is bound to its path).
# Arguments are passed to both runs (e.g. -config.file=..., -target=..., ring store flags).
#
# Usage: bin/mimir-aot-train [mimir flag...]
set -e
MIMIR_HOME=$(cd "$(dirname "$0")/.." && pwd -P)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"   # every data directory defaults to a relative path (./tsdb/, blocks, ./data-compactor/, ...): all in $work
port=$(( 20000 + $$ % 20000 ))
now=$(date +%s)
trained=distributor,ingester,querier,query-frontend,query-scheduler
if [ -f "$MIMIR_HOME/IMAGE" ]; then
  components=$(sed -n 's/^components=//p' "$MIMIR_HOME/IMAGE")
  target=$(echo "$trained" | tr , '\n' | grep -Fx "$(echo "$components" | tr , '\n')" | paste -sd, -) || true
  target=${target:-$components}
else
  target=$trained
fi

start() {  # $@ = the script's arguments
  "$MIMIR_HOME/bin/mimir" -target="$target" \
    -server.http-listen-address=127.0.0.1 -server.http-listen-port=$port \
    -server.grpc-listen-address=127.0.0.1 -server.grpc-listen-port=$((port + 1)) \
    -memberlist.bind-addr=127.0.0.1 -memberlist.bind-port=0 -ingester.ring.instance-addr=127.0.0.1 "$@" >>"$work/log" 2>&1 &
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
}

stop() {
  kill -TERM $pid
  wait $pid
}

# Run 1: 20 requests of 1,000 series each (one gauge, a point per series), then a snapshot on shutdown.
rm -f "$MIMIR_HOME/mimir.aot"
start "$@"
for r in $(seq 1 20); do
  awk -v r=$r -v t=$(( (now - 120) * 1000000000 )) 'BEGIN {
    printf "{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"aot\"}}]},"
    printf "\"scopeMetrics\":[{\"metrics\":[{\"name\":\"aot_series\",\"gauge\":{\"dataPoints\":["
    for (i = 0; i < 1000; i++) {
      printf "%s{\"timeUnixNano\":\"%d\",\"asDouble\":%d,\"attributes\":[{\"key\":\"pod\",\"value\":{\"stringValue\":\"pod-%d-%d\"}},{\"key\":\"path\",\"value\":{\"stringValue\":\"/api/v%d\"}}]}", (i ? "," : ""), t, i, r, i, i % 10
    }
    printf "]}}]}]}]}"
  }' >"$work/series.json"
  curl -sf -o /dev/null -H 'X-Scope-OrgID: aot' -H 'Content-Type: application/json' --data-binary @"$work/series.json" \
    "http://127.0.0.1:$port/otlp/v1/metrics" || true
done
stop

# Run 2, recorded: the snapshot load above, then the write and read path.
export MIMIR_AOT_OUTPUT=1
JAVA_OPTS="-XX:AOTCacheOutput=$MIMIR_HOME/mimir.aot ${JAVA_OPTS:-}"
export JAVA_OPTS
start "$@"
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
stop
[ -f "$MIMIR_HOME/mimir.aot" ] && echo "mimir-aot-train: wrote $MIMIR_HOME/mimir.aot ($(du -h "$MIMIR_HOME/mimir.aot" | cut -f1))"
