#!/usr/bin/env bash
# Builds the benchmarks and runs JMH. Arguments go to JMH, e.g.:
#   bench/run-jmh.sh XorChunkBenchmark -p kind=RANDOM_WALK
# Figures are throughput on this (shared, noisy) machine: compare ratios within one run.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/find-jdk25.sh
./mvnw -B -q -pl bench -am -DskipTests package
exec "$JAVA_HOME/bin/java" -cp "bench/target/classes:$(cat bench/target/classpath.txt)" org.openjdk.jmh.Main "$@"
