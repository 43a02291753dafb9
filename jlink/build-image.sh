#!/usr/bin/env bash
# Builds a runnable image around a staged lib/ and plugins/ directory:
#   <image>/runtime/   a jlink'd JDK holding only the JDK modules lib/ and every plugin need
#                      (union of jdeps over lib/ and each plugins/<name>/, plus the list file),
#                      stripped, with a CDS archive so start-up does not pay for class loading twice
#   <image>/bin/mimir  the launcher
# and checks that the module graph is sound: `java --validate-modules` over lib/ and over lib/ plus each
# plugin folder, and no plugin folder holding a module that lib/ already has.
#
# Usage: build-image.sh <image-dir> <extra-modules-file>
set -euo pipefail

image=$1
extra_modules_file=$2
: "${JAVA_HOME:?set JAVA_HOME to a JDK 25}"
jdk=$JAVA_HOME/bin
here=$(cd "$(dirname "$0")" && pwd)

[ -d "$image/lib" ] || { echo "build-image: $image/lib is missing" >&2; exit 1; }
mkdir -p "$image/plugins" "$image/bin"

modules_in() {  # prints the names of the modules found in a directory of jars
  "$jdk/java" --module-path "$1" --list-modules 2>/dev/null | awk '/ file:/ {sub(/[@ ].*/, ""); print}'
}

validate() {  # $1 = module path; a clean path makes --validate-modules print nothing and exit 0
  local out
  if ! out=$("$jdk/java" --module-path "$1" --validate-modules 2>&1) || [ -n "$out" ]; then
    echo "build-image: module path $1 does not validate (split packages or duplicate modules):" >&2
    echo "$out" >&2
    exit 1
  fi
}

echo "build-image: validating modules"
validate "$image/lib"
declare -A boot_modules=()
for name in $(modules_in "$image/lib"); do boot_modules[$name]=1; done
for plugin in "$image"/plugins/*/; do
  [ -d "$plugin" ] || continue
  [ -f "$plugin/CLASSPATH" ] && continue      # classpath-style plugins are not modules
  for name in $(modules_in "$plugin"); do
    if [ -n "${boot_modules[$name]:-}" ]; then
      echo "build-image: plugin $(basename "$plugin") ships module $name, which lib/ already has" >&2
      exit 1
    fi
  done
  validate "$image/lib:$plugin"
done

echo "build-image: computing JDK modules with jdeps"
deps() {  # $1 = module path, rest = jars
  local mp=$1; shift
  "$jdk/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps --module-path "$mp" "$@" 2>/dev/null | tail -1 | tr ',' '\n'
}
modules=$(
  {
    deps "$image/lib" "$image"/lib/*.jar
    for plugin in "$image"/plugins/*/; do
      [ -d "$plugin" ] || continue
      if [ -f "$plugin/CLASSPATH" ]; then
        "$jdk/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps --class-path "$plugin*" "$plugin"*.jar 2>/dev/null | tail -1 | tr ',' '\n'
      else
        deps "$image/lib:$plugin" "$plugin"*.jar
      fi
    done
    grep -Ev '^\s*(#|$)' "$extra_modules_file"
  } | grep -E '^(java|jdk)\.' | sort -u | paste -sd, -
)
echo "build-image: JDK modules: $modules"

# Re-link only when the module list or the JDK changed: jlink takes a while on 2 cores.
stamp="$modules $("$jdk/java" -version 2>&1 | head -1)"
if [ -f "$image/runtime/.modules" ] && [ "$(cat "$image/runtime/.modules")" = "$stamp" ]; then
  echo "build-image: runtime up to date"
else
  rm -rf "$image/runtime"
  "$jdk/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=zip-6 \
    --generate-cds-archive --output "$image/runtime"
  echo "$stamp" > "$image/runtime/.modules"
fi

install -m 0755 "$here/mimir.sh" "$image/bin/mimir"
install -m 0755 "$here/mimir-aot-train.sh" "$image/bin/mimir-aot-train"
rm -f "$image/mimir.aot"   # an AOT cache is bound to the exact lib/ and runtime: never keep a stale one
# Start-up with the cache about halves (empty write and read path to /ready: 2.2 s -> 1.1 s here).
# MIMIR_AOT=0 skips it; a training failure leaves the image without a cache, never broken.
if [ "${MIMIR_AOT:-1}" != 0 ]; then
  "$image/bin/mimir-aot-train" || echo "build-image: AOT training failed; the image starts without an AOT cache" >&2
fi
echo "build-image: $(du -sh "$image/runtime" | cut -f1) runtime, $(du -sh "$image/lib" | cut -f1) lib, $(du -sh "$image/plugins" | cut -f1) plugins -> $image"
