#!/usr/bin/env bash
# Builds a runnable image around a lib/ that Maven filled with core, the image's components and their
# closure (distribution/parent), from what build-base.sh made once for every image (<base-dir>):
#   <image>/plugins/   the storage plugin folders staged against core's lib/, copied: the same folders
#                      in every image
#   <image>/runtime/   a jlink'd JDK holding only the JDK modules lib/ and the plugins need (the base's
#                      list plus jdeps over the jars this lib/ has beyond the base's), stripped, with a
#                      CDS archive so start-up does not pay for class loading twice; linked once per
#                      module set into <base-dir>/runtimes/ and hard-linked from there
#   <image>/IMAGE      the image's name and components: bin/mimir names the image in errors for a
#                      target it does not carry, bin/mimir-aot-train picks its training target from it
#   <image>/bin/       the launcher and the AOT trainer
# and checks that the module graph is sound: each component is in lib/, every boot module a plugin
# folder relies on is in lib/, `java --validate-modules` over lib/ and over lib/ plus each plugin
# folder, and no plugin folder holding a module that lib/ already has.
#
# An AOT cache is trained when MIMIR_AOT (else MIMIR_AOT_DEFAULT, set per image by the pom) is not 0.
#
# Usage: build-image.sh <image-dir> <base-dir> <image-name> <components, comma-separated>
set -euo pipefail

image=$1
base=$2
name=$3
components=$4
: "${JAVA_HOME:?set JAVA_HOME to a JDK 25}"
jdk=$JAVA_HOME/bin
here=$(cd "$(dirname "$0")" && pwd)
source "$here/functions.sh"   # jdk_deps, modules_in

[ -d "$image/lib" ] || { echo "build-image: $image/lib is missing" >&2; exit 1; }
[ -f "$base/jdk-modules" ] || { echo "build-image: $base/jdk-modules is missing (build distribution/base first)" >&2; exit 1; }
mkdir -p "$image/bin"

for component in ${components//,/ }; do
  jars=("$image"/lib/mimir-"$component"-[0-9]*.jar)
  [ -f "${jars[0]}" ] || { echo "build-image: $name: component $component has no jar in lib/ (is mimir-$component a dependency of the image's pom?)" >&2; exit 1; }
done

artifacts() {  # file names on stdin -> artifact names, as stage-plugins.sh: guava-33.6.0-jre.jar -> guava
  sed -E 's/\.jar$//; s/-[0-9][^-]*(-(jre|android|Final|RELEASE|GA))?//; s/-[0-9]+(\.[0-9]+)*//' | sort -u
}
lib_jars=$(cd "$image/lib" && ls -- *.jar | sort)
base_jars=$(cd "$base/lib" && ls -- *.jar | sort)
missing=$(comm -23 <(echo "$base_jars" | artifacts) <(echo "$lib_jars" | artifacts))
if [ -n "$missing" ]; then
  echo "build-image: $name: lib/ lacks these artifacts of core's closure, which the plugin folders rely on: $(echo $missing)" >&2
  exit 1
fi

rm -rf "$image/plugins"
cp -a "$base/plugins" "$image/plugins"

validate() {  # $1 = module path; a clean path makes --validate-modules print nothing and exit 0
  local out
  if ! out=$("$jdk/java" --module-path "$1" --validate-modules 2>&1) || [ -n "$out" ]; then
    echo "build-image: module path $1 does not validate (split packages or duplicate modules):" >&2
    echo "$out" >&2
    exit 1
  fi
}

# The base's list covers core's closure and the plugins; jdeps only reads the jars this image adds.
own=()
for jar in $(comm -13 <(echo "$base_jars") <(echo "$lib_jars")); do own+=("$image/lib/$jar"); done
echo "build-image: $name: validating modules, computing JDK modules with jdeps (${#own[@]} jars beyond core's)"
checks=$(mktemp -d)
trap 'rm -rf "$checks"' EXIT
validate "$image/lib" &
jobs=($!)
for plugin in "$image"/plugins/*/; do
  plugin=${plugin%/}
  [ -f "$plugin/CLASSPATH" ] && continue      # classpath-style plugins are not modules
  validate "$image/lib:$plugin" &
  jobs+=($!)
done
modules_in "$image/lib" > "$checks/boot-modules" &
jobs+=($!)
{ [ ${#own[@]} -eq 0 ] || jdk_deps --module-path "$image/lib" "${own[@]}"; } > "$checks/jdk-modules" &
jobs+=($!)
wait_all "${jobs[@]}"

declare -A boot_modules=()
for module in $(cat "$checks/boot-modules"); do boot_modules[$module]=1; done
for modules in "$base"/plugin-modules/*; do
  for module in $(cat "$modules"); do
    if [ -n "${boot_modules[$module]:-}" ]; then
      echo "build-image: plugin ${modules##*/} ships module $module, which lib/ of $name already has:" \
        "a component's closure must not hold a jar that a plugin folder holds (plugin folders are the same in every image)" >&2
      exit 1
    fi
  done
done
modules=$(sort -u "$base/jdk-modules" "$checks/jdk-modules" | paste -sd, -)
echo "build-image: $name: JDK modules: $modules"

# One jlink per module set and JDK (jlink takes a while on 2 cores): linked into the base's runtimes/
# (into a temporary directory first, so an interrupted or concurrent build never leaves half a
# runtime there), then hard-linked into the image (a copy where hard links are not possible).
# The recipe is part of the stamp: a runtime linked with other options is not reused.
recipe="strip-unneeded,cds-coops-only"
stamp="$modules $recipe $("$jdk/java" -version 2>&1 | head -1)"
if [ -f "$image/runtime/.modules" ] && [ "$(cat "$image/runtime/.modules")" = "$stamp" ]; then
  echo "build-image: $name: runtime up to date"
else
  cached=$base/runtimes/$(echo "$stamp" | sha256sum | cut -c1-16)
  if [ -f "$cached/.modules" ]; then
    echo "build-image: $name: runtime shared with an image of the same JDK modules ($cached)"
  else
    mkdir -p "$base/runtimes"
    linking=$(mktemp -d "$base/runtimes/linking.XXXXXX")
    "$jdk/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=zip-6 \
      --generate-cds-archive --output "$linking/runtime"
    # The native libraries' symbol tables go (strip, from binutils, when present: libjvm.so 30 -> 25 MB; the
    # dynamic symbols stay). The default CDS archive is kept for compressed oops only (heaps below 32 GB): a
    # larger heap starts without it, as with -Xshare:off.
    if command -v strip >/dev/null; then
      find "$linking/runtime/lib" -name '*.so' -exec strip --strip-unneeded {} +
    fi
    rm -f "$linking/runtime/lib/server/classes_nocoops.jsa"
    echo "$stamp" > "$linking/runtime/.modules"
    mv -T "$linking/runtime" "$cached" 2>/dev/null || true   # another build may have linked it meanwhile
    rm -rf "$linking"
  fi
  rm -rf "$image/runtime"
  cp -al "$cached" "$image/runtime" 2>/dev/null || { rm -rf "$image/runtime"; cp -a "$cached" "$image/runtime"; }
fi

{
  echo "# The image this is (jlink/build-image.sh): bin/mimir names it when a target is not installed here."
  echo "name=$name"
  echo "components=$components"
} > "$image/IMAGE"
install -m 0755 "$here/mimir.sh" "$image/bin/mimir"
install -m 0755 "$here/mimir-aot-train.sh" "$image/bin/mimir-aot-train"
rm -f "$image/mimir.aot"   # an AOT cache is bound to the exact lib/ and runtime: never keep a stale one
# Start-up with the cache about halves (empty write and read path to /ready: 2.2 s -> 1.1 s here).
# MIMIR_AOT=0 skips it; a training failure leaves the image without a cache, never broken.
if [ "${MIMIR_AOT:-${MIMIR_AOT_DEFAULT:-1}}" != 0 ]; then
  "$image/bin/mimir-aot-train" || echo "build-image: AOT training failed; the image starts without an AOT cache" >&2
fi
echo "build-image: $(du -sh "$image/runtime" | cut -f1) runtime, $(du -sh "$image/lib" | cut -f1) lib, $(du -sh "$image/plugins" | cut -f1) plugins -> $image"
