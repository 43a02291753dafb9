#!/usr/bin/env bash
# Start-up time of a built image: wall time from exec of bin/mimir to the first 200 from /ready, on
# loopback ports in a fresh working directory (every data directory defaults to a relative path),
# median of N runs, without and with an AOT cache built at the install path by bin/mimir-aot-train
# for the measured target and flags. Also prints the image's size by part.
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

one_run() {  # prints the milliseconds to /ready; a port another process took meanwhile is retried on other ports
  local port start end pid attempt
  for attempt in 1 2 3; do
    port=$(( 30000 + RANDOM % 20000 ))
    rm -rf "$work/data"
    mkdir -p "$work/data"
    start=$(date +%s%N)
    (cd "$work/data" && exec "$image/bin/mimir" -target="$target" -server.http-listen-address=127.0.0.1 -server.http-listen-port=$port \
      -server.grpc-listen-address=127.0.0.1 -server.grpc-listen-port=$((port + 1)) "$@") >"$work/log" 2>&1 &
    pid=$!
    for _ in $(seq 3000); do
      if curl -sf -o /dev/null "http://127.0.0.1:$port/ready" 2>/dev/null; then
        end=$(date +%s%N)
        kill -TERM $pid; wait $pid || true
        echo $(( (end - start) / 1000000 ))
        return
      fi
      kill -0 $pid 2>/dev/null || break
      sleep 0.01
    done
    kill -TERM $pid 2>/dev/null && wait $pid || true
    grep -Eq 'Address already in use|Failed to bind' "$work/log" || break
  done
  grep -v 'level=info' "$work/log" >&2
  echo "startup: mimir did not become ready" >&2
  exit 1
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
if "$image/bin/mimir-aot-train" -target="$target" "${flags[@]}" >"$work/aot.log" 2>&1; then
  series "with AOT cache" "${flags[@]}"
else
  echo "with AOT cache: not measured, bin/mimir-aot-train failed: $(grep -m1 -i 'error' "$work/aot.log" || tail -1 "$work/aot.log")"
fi
echo "image: runtime $(du -sh "$image/runtime" | cut -f1), lib $(du -sh "$image/lib" | cut -f1) ($(ls "$image/lib" | wc -l) jars), plugins $(du -sh "$image/plugins" | cut -f1), AOT cache $(du -sh "$image/mimir.aot" 2>/dev/null | cut -f1 || echo none)"
