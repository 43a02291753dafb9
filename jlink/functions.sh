# Shell functions for build-base.sh and build-image.sh (sourced). JAVA_HOME must be set.
jlink_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Prints the JDK modules (java.*, jdk.*) that jars depend on directly, one a line; $@ = jdeps options
# (module path or class path) and the jars. Direct dependences (jdeps -s) are enough because every jar
# of an image is read by one call or another (jlink adds what those modules require), and cheaper than
# --print-module-deps, which walks into every library a jar references. Fails with jdeps's message if
# jdeps fails: an unresolvable path must not quietly drop a plugin's needs from the runtime.
jdk_deps() {
  local out errors
  errors=$(mktemp)
  if ! out=$("$JAVA_HOME/bin/jdeps" -s --multi-release 25 --ignore-missing-deps "$@" 2>"$errors"); then
    echo "jdeps failed on $*:" >&2
    grep -v '^Warning: split package' "$errors" >&2
    rm -f "$errors"
    return 1
  fi
  rm -f "$errors"
  echo "$out" | awk -v unneeded="$jlink_dir/jdk-unneeded.deps" '
    BEGIN { while ((getline line < unneeded) > 0) { if (line !~ /^[ \t]*(#|$)/) { split(line, f, /[ \t]+/); skip[f[1] " " f[2]] = 1 } } }
    $2 == "->" && $3 ~ /^(java|jdk)\./ { jar = $1; sub(/^.*\//, "", jar); sub(/-[0-9][^-]*(-[A-Za-z0-9.]+)*\.jar$/, "", jar); if (!((jar " " $3) in skip)) print $3 }' | sort -u
}

# The JDK modules of a plugin folder's jars, resolved against the boot modules in $1 (a lib/ directory):
# a module-layer plugin on the module path beside lib/, a classpath-style one (CLASSPATH marker) on
# the class path.
plugin_jdk_deps() {
  local lib=$1 plugin=${2%/}
  if [ -f "$plugin/CLASSPATH" ]; then
    jdk_deps --module-path "$lib" --class-path "$plugin/*" "$plugin"/*.jar
  else
    jdk_deps --module-path "$lib:$plugin" "$plugin"/*.jar
  fi
}

# Prints the names of the modules found in a directory of jars, one a line.
modules_in() {
  "$JAVA_HOME/bin/java" --module-path "$1" --list-modules 2>/dev/null | awk '/ file:/ {sub(/[@ ].*/, ""); print}'
}

# Waits for background jobs by pid; fails if any failed (each reports its own error).
wait_all() {
  local pid failed=0
  for pid in "$@"; do wait "$pid" || failed=1; done
  return $failed
}
