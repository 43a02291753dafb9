#!/usr/bin/env bash
# Start-up time of a built image: wall time from exec of bin/mimir to the first 200 from /ready, on
# loopback ports in a fresh working directory (every data directory defaults to a relative path), median of N runs, without and with an AOT cache built at
# the install path by bin/mimir-aot-train. Also prints the image's size by part.
#
# Usage: bench/startup.sh [image] [runs] [mimir flag...]
#   image  mimir-all (default), mimir-write, mimir-read, mimir-backend, mimir-<component> (built with
#          -Dmimir.image.component=<component>), or the path of an image directory
#   runs   runs per series (default 7)
#   flags  passed to every run; -target=... replaces the default target: overrides-exporter in an image
#          that has it (the number the README quotes for mimir-all), else all of the image's components
# Build the images first: ./mvnw -B -DskipTests package
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=${1:-mimir-all}
runs=${2:-7}
shift $(( $# < 2 ? $# : 2 ))
if [ -d "$name" ]; then
  image=$(cd "$name" && pwd)
else
  case $name in
    mimir-all) image=$root/distribution/target/mimir-all ;;
    mimir-write|mimir-read|mimir-backend) image=$root/distribution/${name#mimir-}/target/$name ;;
    *) image=$root/distribution/component/target/$name ;;
  esac
fi
[ -x "$image/bin/mimir" ] || { echo "no image at $image: run ./mvnw -B -DskipTests package first" >&2; exit 1; }

components=$(sed -n 's/^components=//p' "$image/IMAGE" 2>/dev/null || true)
target=overrides-exporter
case ",$components," in
  ,,|*,overrides-exporter,*) ;;
  *) target=$components ;;
esac
for flag in "$@"; do
  case $flag in -target=*|--target=*) target=${flag#*=} ;; esac
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

one_run() {
  local port=$(( 30000 + RANDOM % 20000 ))
  local start end pid
  rm -rf "$work/data"
  mkdir -p "$work/data"
  start=$(date +%s%N)
  (cd "$work/data" && exec "$image/bin/mimir" -target="$target" -server.http-listen-address=127.0.0.1 -server.http-listen-port=$port \
    -server.grpc-listen-address=127.0.0.1 -server.grpc-listen-port=$((port + 1)) "$@") >"$work/log" 2>&1 &
  pid=$!
  for _ in $(seq 3000); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/ready" 2>/dev/null; then break; fi
    if ! kill -0 $pid 2>/dev/null; then cat "$work/log" >&2; echo "startup: mimir exited before it was ready" >&2; exit 1; fi
    sleep 0.01
  done
  end=$(date +%s%N)
  kill -TERM $pid; wait $pid || true
  echo $(( (end - start) / 1000000 ))
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

series() {
  local label=$1 values=() value
  shift
  one_run "$@" >/dev/null   # warm the page cache
  for _ in $(seq "$runs"); do
    value=$(one_run "$@")
    values+=("$value")
  done
  echo "$label: median $(printf '%s\n' "${values[@]}" | median) ms over $runs runs (${values[*]})"
}

flags=()
for flag in "$@"; do
  case $flag in -target=*|--target=*) ;; *) flags+=("$flag") ;; esac
done
echo "$(basename "$image") -target=$target ${flags[*]}"
rm -f "$image/mimir.aot"
series "no AOT cache " "${flags[@]}"
"$image/bin/mimir-aot-train" >/dev/null 2>&1 || echo "startup: bin/mimir-aot-train failed; the second series runs without a cache" >&2
series "with AOT cache" "${flags[@]}"
echo "image: runtime $(du -sh "$image/runtime" | cut -f1), lib $(du -sh "$image/lib" | cut -f1) ($(ls "$image/lib" | wc -l) jars), plugins $(du -sh "$image/plugins" | cut -f1), AOT cache $(du -sh "$image/mimir.aot" 2>/dev/null | cut -f1 || echo none)"
