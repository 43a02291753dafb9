#!/bin/sh
# Starts Mimir from this image: the jlink'd runtime, lib/ on the module path, plugins/ loaded at start.
# JAVA_OPTS is passed to the JVM. If bin/mimir-aot-train has built an AOT cache at this install path,
# it is used (a cache is bound to the absolute path; a stale one is ignored).
set -e
self=$0
while [ -h "$self" ]; do
  link=$(readlink "$self")
  case $link in /*) self=$link ;; *) self=$(dirname "$self")/$link ;; esac
done
MIMIR_HOME=$(cd "$(dirname "$self")/.." && pwd -P)
# File names are UTF-8 (object keys, tenant IDs); a C/POSIX locale would make the JVM refuse them.
case "${LC_ALL:-${LC_CTYPE:-${LANG:-}}}" in
  *UTF-8*|*utf-8*|*UTF8*|*utf8*) ;;
  *) export LC_ALL=C.UTF-8 ;;
esac
aot=""
if [ -f "$MIMIR_HOME/mimir.aot" ] && [ -z "${MIMIR_AOT_OUTPUT:-}" ]; then
  aot="-XX:AOTCache=$MIMIR_HOME/mimir.aot -Xlog:aot=off -Xlog:cds=off"
fi
# -Xms32m: G1's default initial heap is 1/64 of RAM, and the first young generation sized from it is
# touched once by start-up garbage before any collection reuses it (idle RSS with the cloud plugins
# 199 -> 138 MB on a 23 GiB machine). Only the start: the heap still grows to -Xmx (default 1/4 of RAM)
# under load. -XX:G1PeriodicGCInterval=5000 with Min/MaxHeapFreeRatio 5/20: once a burst of pushes or
# queries is over, an idle process collects and gives the heap it no longer needs back to the OS (G1
# only runs a periodic collection when none ran in the interval, so a busy process pays nothing).
# JAVA_OPTS comes after, so settings there win.
exec "$MIMIR_HOME/runtime/bin/java" $aot -Xms32m -XX:G1PeriodicGCInterval=5000 -XX:MinHeapFreeRatio=5 -XX:MaxHeapFreeRatio=20 $JAVA_OPTS \
  -Dmimir.home="$MIMIR_HOME" \
  --add-modules ALL-SYSTEM,ALL-MODULE-PATH \
  --enable-native-access=mimir.core,io.netty.common \
  --module-path "$MIMIR_HOME/lib" \
  -m mimir.core/mimir.core.Main "$@"
