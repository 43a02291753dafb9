#!/usr/bin/env bash
# Upload and download of one 256 MiB object through each storage backend against its emulator (S3Proxy,
# Azurite, the in-repo fake GCS server), with the test JVM's heap capped so that a backend that buffered
# whole objects would fail. Prints one line per backend: throughput, peak live heap after GC and peak
# heap used, both above the idle heap.
#   bench/objstore-throughput.sh [max-heap, default 96m]
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/find-jdk25.sh
heap="${1:-96m}"
./mvnw -B -q test -pl plugins/storage-s3,plugins/storage-azure,plugins/storage-gcs -am \
    -Dtest='TestS3ObjectStore#throughput256MiB,TestAzureObjectStore#throughput256MiB,TestGcsObjectStore#throughput256MiB' \
    -Dsurefire.failIfNoSpecifiedTests=false -Dmimir.bench=true -DargLine="-Xmx$heap" >/dev/null
echo "test JVM -Xmx$heap"
cat plugins/storage-s3/target/bench-s3.txt plugins/storage-azure/target/bench-azure.txt plugins/storage-gcs/target/bench-gcs.txt
