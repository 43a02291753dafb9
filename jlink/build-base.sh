#!/usr/bin/env bash
# Builds, once per build, what every image shares, in <base-dir> (distribution/base/target/base):
#   lib/         mimir-core and its closure (copied there by Maven): the boot modules every image's lib/ has
#   plugins/     the storage plugin folders, staged against that lib/ (stage-plugins.sh): a folder holds
#                a backend's closure minus core's, so the same folder drops into any image (an image's
#                lib/ is this lib/ plus its components' closure, which must not hold a plugin's jar;
#                build-image.sh checks that)
#   plugin-modules/<name>  the JPMS modules of each module-layer plugin folder, which build-image.sh
#                checks against an image's lib/
#   jdk-modules  the JDK modules lib/ and plugins/ need (jdeps) plus jlink/jdk-extra.modules; an image
#                adds those of its own jars
#   runtimes/    jlink'd runtimes by JDK module set, filled by build-image.sh: images with the same set
#                share one jlink run
#
# Usage: build-base.sh <base-dir> <repository-root>
set -euo pipefail

base=$1
root=$2
: "${JAVA_HOME:?set JAVA_HOME to a JDK 25}"
here=$(cd "$(dirname "$0")" && pwd)
source "$here/functions.sh"

[ -d "$base/lib" ] || { echo "build-base: $base/lib is missing" >&2; exit 1; }
bash "$here/stage-plugins.sh" "$base" "$root"
rm -rf "$base/plugin-modules"
mkdir -p "$base/plugin-modules"
for plugin in "$base"/plugins/*/; do
  plugin=${plugin%/}
  [ -f "$plugin/CLASSPATH" ] || modules_in "$plugin" > "$base/plugin-modules/${plugin##*/}"
done

echo "build-base: computing JDK modules with jdeps"
deps=$(mktemp -d)
trap 'rm -rf "$deps"' EXIT
jdk_deps --module-path "$base/lib" "$base"/lib/*.jar > "$deps/lib" &
jobs=($!)
for plugin in "$base"/plugins/*/; do
  plugin=${plugin%/}
  plugin_jdk_deps "$base/lib" "$plugin" > "$deps/plugin-${plugin##*/}" &
  jobs+=($!)
done
wait_all "${jobs[@]}"
{ cat "$deps"/*; grep -Ev '^\s*(#|$)' "$here/jdk-extra.modules"; } | sort -u > "$base/jdk-modules.tmp"
mv "$base/jdk-modules.tmp" "$base/jdk-modules"
echo "build-base: JDK modules: $(paste -sd, "$base/jdk-modules")"
