#!/bin/sh
# Builds an AOT cache (JEP 483/514) for this image at its install path: starts Mimir once with
# -target=overrides-exporter on free loopback ports, waits until /ready, stops it with SIGTERM, and
# leaves mimir.aot beside bin/. Run it again after changing lib/ or runtime/.
set -e
MIMIR_HOME=$(cd "$(dirname "$0")/.." && pwd -P)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
port=$(( 20000 + $$ % 20000 ))
rm -f "$MIMIR_HOME/mimir.aot"
MIMIR_AOT_OUTPUT=1 JAVA_OPTS="-XX:AOTCacheOutput=$MIMIR_HOME/mimir.aot $JAVA_OPTS" \
  "$MIMIR_HOME/bin/mimir" -target=overrides-exporter -server.http-listen-address=127.0.0.1 -server.http-listen-port=$port \
  -server.grpc-listen-address=127.0.0.1 -server.grpc-listen-port=$((port + 1)) >"$work/log" 2>&1 &
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
curl -sf "http://127.0.0.1:$port/metrics" >/dev/null
curl -sf "http://127.0.0.1:$port/config" >/dev/null
kill -TERM $pid
wait $pid
[ -f "$MIMIR_HOME/mimir.aot" ] && echo "mimir-aot-train: wrote $MIMIR_HOME/mimir.aot ($(du -h "$MIMIR_HOME/mimir.aot" | cut -f1))"
