#!/usr/bin/env bash
# Stages the object-store backends and the etcd KV store into <dir>/plugins/<name>/: each backend's jar plus its runtime
# closure (target/plugin-deps/, written by the backend's build), WITHOUT any jar whose artifact
# <dir>/lib/ already has (any version): a plugin layer's automatic modules would read both copies, and
# a classpath-style plugin would never load its copy anyway (parent-first). The GCS folder is
# classpath-style: it gets an empty CLASSPATH marker (its dependencies split packages).
# build-base.sh runs it once against core's lib/ (distribution/base), and every image copies the
# result: any storage plugin folder drops into any of the images (build-image.sh checks each image).
#
# Usage: stage-plugins.sh <dir> <repository-root>
set -euo pipefail
dir=$1   # an image, or the base: a directory with lib/
root=$2
[ -d "$dir/lib" ] || { echo "stage-plugins: $dir/lib is missing" >&2; exit 1; }

artifact() {  # guava-33.6.0-jre.jar -> guava; netty-transport-native-epoll-4.2.18.Final-linux-x86_64.jar -> netty-transport-native-epoll-linux-x86_64
  local base=${1%.jar}
  echo "$base" | sed -E 's/-[0-9][^-]*(-(jre|android|Final|RELEASE|GA))?//; s/-[0-9]+(\.[0-9]+)*//'
}

declare -A in_lib=()
for jar in "$dir"/lib/*.jar; do in_lib[$(artifact "$(basename "$jar")")]=1; done

stage() {  # $1 = plugin folder name, $2 = maven module dir, $3 = "classpath" for classpath-style
  local name=$1 module=$root/$2 style=${3:-}
  local target=$dir/plugins/$name
  rm -rf "$target"
  mkdir -p "$target"
  local own=("$module"/target/mimir-*.jar)
  [ -f "${own[0]}" ] || { echo "stage-plugins: ${own[0]} is missing (build $2 first)" >&2; exit 1; }
  cp "${own[@]}" "$target/"
  local kept=0 skipped=0
  for jar in "$module"/target/plugin-deps/*.jar; do
    if [ -n "${in_lib[$(artifact "$(basename "$jar")")]:-}" ]; then
      skipped=$((skipped + 1))
    else
      cp "$jar" "$target/"
      kept=$((kept + 1))
    fi
  done
  [ "$style" = classpath ] && : > "$target/CLASSPATH"
  echo "stage-plugins: plugins/$name: $((kept + 1)) jars ($skipped already in lib/), $(du -sh "$target" | cut -f1)"
}

stage s3 plugins/storage-s3
stage azure plugins/storage-azure
stage gcs plugins/storage-gcs classpath
stage etcd plugins/kv-etcd
