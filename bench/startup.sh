#!/usr/bin/env bash
# Start-up time of the built image: wall time from exec of bin/mimir to the first 200 from /ready,
# -target=overrides-exporter on loopback ports, median of N runs, without and with an AOT cache built
# at the install path by bin/mimir-aot-train. Also prints the image's size by part.
#
# Usage: bench/startup.sh [runs]   (build the image first: ./mvnw -B -DskipTests package)
set -euo pipefail
runs=${1:-7}
image=$(cd "$(dirname "$0")/../distribution/target/mimir-all" && pwd)
[ -x "$image/bin/mimir" ] || { echo "no image at $image: run ./mvnw -B -DskipTests package first" >&2; exit 1; }

one_run() {
  local port=$(( 30000 + RANDOM % 20000 ))
  local start end pid
  start=$(date +%s%N)
  "$image/bin/mimir" -target=overrides-exporter -server.http-listen-address=127.0.0.1 -server.http-listen-port=$port \
    -server.grpc-listen-address=127.0.0.1 -server.grpc-listen-port=$((port + 1)) >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 3000); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/ready" 2>/dev/null; then break; fi
    sleep 0.01
  done
  end=$(date +%s%N)
  kill -TERM $pid; wait $pid || true
  echo $(( (end - start) / 1000000 ))
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

series() {
  local label=$1 values=()
  one_run >/dev/null   # warm the page cache
  for _ in $(seq "$runs"); do values+=("$(one_run)"); done
  echo "$label: median $(printf '%s\n' "${values[@]}" | median) ms over $runs runs (${values[*]})"
}

rm -f "$image/mimir.aot"
series "no AOT cache "
"$image/bin/mimir-aot-train" >/dev/null
series "with AOT cache"
echo "image: runtime $(du -sh "$image/runtime" | cut -f1), lib $(du -sh "$image/lib" | cut -f1) ($(ls "$image/lib" | wc -l) jars), plugins $(du -sh "$image/plugins" | cut -f1), AOT cache $(du -sh "$image/mimir.aot" | cut -f1)"
