#!/usr/bin/env bash
# Benchmarks (not tests): whole-pipeline throughput and retained heap per tracked identity.
#   scripts/benchmark.sh pipeline [--identities 100000,1000000] [--events 20000000] [--parallelism 2] [--set key=value] [--flink key=value]
#   scripts/benchmark.sh state [identities]
#   scripts/benchmark.sh latency [--rate 50000] [--seconds 90] [--warmup-seconds 30] [--sink-records 500000]
#                                [--parallelism 2] [--probe-segments own|shared] [--checkpoint-interval 10] [--unaligned false]   (starts its own Kafka and redis-server)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-opens.sh

./mvnw -B -q -ntp -DskipTests install
./mvnw -B -q -ntp -pl jobs dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="jobs/target/test-classes:jobs/target/classes:$(cat jobs/target/bench.classpath)"
LOG="-Dlog4j2.configurationFile=jobs/src/test/resources/log4j2-test.properties"

case "${1:-pipeline}" in
  pipeline) shift || true
    exec java -Xms6g -Xmx6g $JAVA_OPENS $LOG -cp "$CP" io.meshguard.job.bench.PipelineBenchmark "$@" ;;
  state) shift || true
    exec java -Xms8g -Xmx8g $JAVA_OPENS $LOG -cp "$CP" io.meshguard.job.bench.StateFootprintBenchmark "$@" ;;
  latency) shift || true
    exec java -Xms3g -Xmx3g $JAVA_OPENS $LOG -cp "$CP" io.meshguard.job.bench.RedisSinkLatencyBenchmark "$@" ;;
  *) echo "usage: $0 pipeline|state|latency [args]" >&2; exit 2 ;;
esac
