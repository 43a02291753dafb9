#!/usr/bin/env bash
# Memory per query against the data it reads and the step count (mimir.bench.PromqlMemory): 1 k and
# 10 k counters over 24 h at 15 s, four query shapes, 60 s and 15 s steps.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/find-jdk25.sh
./mvnw -B -q -o -pl bench -am -DskipTests package
exec "$JAVA_HOME/bin/java" -Xms4g -Xmx4g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" mimir.bench.PromqlMemory
