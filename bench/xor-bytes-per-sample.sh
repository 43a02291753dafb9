#!/usr/bin/env bash
# Prints XOR bytes per sample for each value kind of the benchmark workload.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/find-jdk25.sh
./mvnw -B -q -pl bench -am -DskipTests package
exec "$JAVA_HOME/bin/java" -cp "bench/target/classes:$(cat bench/target/classpath.txt)" mimir.bench.XorBytesPerSample "$@"
