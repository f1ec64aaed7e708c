#!/usr/bin/env bash
# Adaptive vs static segment thresholds on the same simulated traffic, scored against the
# simulator's ground truth (per scenario precision, recall, F1, time to detect).
#   scripts/compare-thresholds.sh [--seeds 7,11] [--duration 600] [--rate 1000] [--out ./out-compare] [--<option> <value>]
# Runs the local pipeline (unpaced) once with segment.adaptive=true and once with false per seed;
# outputs in <out>/adaptive and <out>/static (<out>/seed-<n>/... for several seeds) and the
# comparison in <out>/comparison.txt. Every option of the local runner is accepted.
# Builds the jar first if it is missing; after code changes, rebuild with
#   ./mvnw -B -ntp -q package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-opens.sh

JAR=jobs/target/meshguard-local.jar
if [[ ! -f "$JAR" ]]; then
  ./mvnw -B -ntp -q package -DskipTests
fi
# The jar's manifest opens the JDK packages only for java -jar; with -cp the flags must be given.
exec java $JAVA_OPENS -cp "$JAR" io.meshguard.job.CompareThresholds "$@"
