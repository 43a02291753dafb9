#!/usr/bin/env bash
# WAL replay, ours vs Prometheus 2.42 (Debian's /usr/bin/prometheus), on the same WAL:
#   bench/wal-replay.sh [series=100000] [samplesPerSeries=120]
# 1. generates the WAL with our writer (mimir.bench.WalReplay generate),
# 2. times our Head.open in a fresh JVM (first run cold, then warm runs),
# 3. copies the WAL into a fresh Prometheus data dir, starts Prometheus on a free loopback port with no
#    scrape targets, waits (bounded) for "WAL replay completed", reads its total_replay_duration, kills it.
# Prints both times and the ratio. Loopback only; every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/find-jdk25.sh
SERIES=${1:-100000}
SAMPLES=${2:-120}
PROMETHEUS=${PROMETHEUS:-/usr/bin/prometheus}
TIMEOUT=${TIMEOUT:-180}
[ -x "$PROMETHEUS" ] || { echo "prometheus not found at $PROMETHEUS (apt-get install prometheus)" >&2; exit 1; }

./mvnw -B -q -pl bench -am -DskipTests package
CP="bench/target/classes:$(cat bench/target/classpath.txt)"
WORK=$(mktemp -d /tmp/wal-replay.XXXXXX)
PROM_PID=""
cleanup() {
  if [ -n "$PROM_PID" ] && kill -0 "$PROM_PID" 2>/dev/null; then kill "$PROM_PID"; wait "$PROM_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

JAVA_OPTS=${JAVA_OPTS:--Xms4g -Xmx4g}
"$JAVA_HOME/bin/java" $JAVA_OPTS -cp "$CP" mimir.bench.WalReplay generate "$WORK/ours" "$SERIES" "$SAMPLES" 2>/dev/null
# Copy before our replay: each open of our head adds an (empty) segment.
mkdir -p "$WORK/prom"
cp -r "$WORK/ours/wal" "$WORK/prom/wal"
echo "wal: $(du -sh "$WORK/ours/wal" | cut -f1) in $(ls "$WORK/ours/wal" | wc -l) segment(s)"

OURS=$("$JAVA_HOME/bin/java" $JAVA_OPTS -cp "$CP" mimir.bench.WalReplay replay "$WORK/ours" 3 2>/dev/null)
echo "$OURS"
OURS_COLD=$(echo "$OURS" | awk -F'millis=' '/run=1 /{print $2}')
OURS_BEST=$(echo "$OURS" | awk -F'millis=' '{print $2}' | sort -n | head -1)

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
printf 'global:\n  scrape_interval: 15s\nscrape_configs: []\n' > "$WORK/prometheus.yml"
START_NS=$(date +%s%N)
"$PROMETHEUS" --storage.tsdb.path="$WORK/prom" --web.listen-address="127.0.0.1:$PORT" \
  --config.file="$WORK/prometheus.yml" > "$WORK/prometheus.log" 2>&1 &
PROM_PID=$!
DEADLINE=$((SECONDS + TIMEOUT))
until grep -q "WAL replay completed" "$WORK/prometheus.log"; do
  if ! kill -0 "$PROM_PID" 2>/dev/null; then echo "prometheus exited:" >&2; tail -20 "$WORK/prometheus.log" >&2; exit 1; fi
  if [ $SECONDS -ge $DEADLINE ]; then echo "no 'WAL replay completed' within ${TIMEOUT}s" >&2; tail -20 "$WORK/prometheus.log" >&2; exit 1; fi
  sleep 0.05
done
WALL_MS=$(( ($(date +%s%N) - START_NS) / 1000000 ))
LINE=$(grep "WAL replay completed" "$WORK/prometheus.log")
kill "$PROM_PID"; wait "$PROM_PID" 2>/dev/null || true; PROM_PID=""
echo "prometheus: $LINE"
TOTAL=$(echo "$LINE" | sed -n 's/.*total_replay_duration=\([^ ]*\).*/\1/p')
PROM_MS=$(python3 - "$TOTAL" <<'PY'
import re, sys
text = sys.argv[1]
units = {"h": 3600e3, "m": 60e3, "s": 1e3, "ms": 1, "µs": 1e-3, "us": 1e-3, "ns": 1e-6}
print(round(sum(float(n) * units[u] for n, u in re.findall(r"([0-9.]+)(h|ms|m|µs|us|ns|s)", text))))
PY
)
grep -q "Head GC completed\|Loading on-disk chunks" "$WORK/prometheus.log" || true
python3 - "$OURS_COLD" "$OURS_BEST" "$PROM_MS" "$WALL_MS" <<'PY'
import sys
cold, best, prom, wall = map(int, sys.argv[1:])
print(f"ours: Head.open cold {cold} ms, best of 3 {best} ms")
print(f"prometheus 2.42: total_replay_duration {prom} ms (process start to log line {wall} ms)")
print(f"ratio prometheus/ours: {prom / cold:.2f}x cold, {prom / best:.2f}x warm")
PY
