#!/usr/bin/env bash
# A Flink 2.2.1 standalone session cluster without Docker: one JobManager (with the web UI) and one
# TaskManager, each a JVM started from Maven-resolved jars, and `flink run` through Flink's CLI front end.
#
#   scripts/flink-cluster.sh start  [--conf-dir DIR] [--state-dir DIR] [--classpath-file FILE]
#   scripts/flink-cluster.sh submit [--conf-dir DIR] [--state-dir DIR] [--jar JAR] [<flink run options>] [-- <job options>]
#   scripts/flink-cluster.sh status [--state-dir DIR]
#   scripts/flink-cluster.sh stop   [--state-dir DIR]
#
# --conf-dir   Flink config dir (config.yaml, log4j-console.properties); default flink-conf/ when it
#              has a config.yaml, else a minimal one generated under the state dir (web UI on 8081).
# --state-dir  PID files, logs, the resolved classpath and a generated config; default target/flink-cluster.
# --classpath-file  a file holding the cluster's classpath (':'-separated); default: resolved once
#              with Maven from the cluster-services module.
# --jar        the job jar; default jobs/target/meshguard-job.jar (built if missing).
# submit runs detached (-d) and passes every option before `--` to `flink run` (e.g. -s <savepoint>,
# -p 4, -D execution.checkpointing.interval=10s) and everything after it to the job, e.g.
#   scripts/flink-cluster.sh submit -- --config my.yaml --source kafka --sink redis,kafka
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/java-opens.sh"

usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

[[ $# -ge 1 ]] || usage
COMMAND="$1"; shift
CONF_DIR=""
STATE_DIR="$ROOT/target/flink-cluster"
CLASSPATH_FILE=""
JOB_JAR="$ROOT/jobs/target/meshguard-job.jar"
RUN_OPTS=()
JOB_ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --conf-dir) CONF_DIR="$(cd "$2" && pwd)"; shift 2 ;;
    --state-dir) mkdir -p "$2"; STATE_DIR="$(cd "$2" && pwd)"; shift 2 ;;
    --classpath-file) CLASSPATH_FILE="$2"; shift 2 ;;
    --jar) JOB_JAR="$2"; shift 2 ;;
    --) shift; JOB_ARGS=("$@"); break ;;
    -h|--help) usage ;;
    *) if [[ "$COMMAND" == submit ]]; then RUN_OPTS+=("$1"); shift; else echo "unknown option $1" >&2; usage; fi ;;
  esac
done
mkdir -p "$STATE_DIR/log"
JM_PID_FILE="$STATE_DIR/jobmanager.pid"
TM_PID_FILE="$STATE_DIR/taskmanager.pid"

# The config dir: the one given, else flink-conf/, else a minimal generated one (the keys RECIPES.md
# found enough for a single-machine cluster).
resolve_conf_dir() {
  if [[ -n "$CONF_DIR" ]]; then return; fi
  if [[ -f "$ROOT/flink-conf/config.yaml" ]]; then CONF_DIR="$ROOT/flink-conf"; return; fi
  CONF_DIR="$STATE_DIR/conf"
  if [[ ! -f "$CONF_DIR/config.yaml" ]]; then
    mkdir -p "$CONF_DIR"
    cat > "$CONF_DIR/config.yaml" <<EOF
jobmanager.rpc.address: localhost
jobmanager.bind-host: localhost
taskmanager.bind-host: localhost
taskmanager.host: localhost
rest.address: localhost
rest.bind-address: localhost
rest.port: 8081
jobmanager.memory.process.size: 1024m
taskmanager.memory.process.size: 1536m
taskmanager.numberOfTaskSlots: 2
parallelism.default: 2
# JobManager and TaskManager start together: retry registration after 1 s, not the default 10 s.
cluster.registration.error-delay: 1000ms
state.checkpoints.dir: file://$STATE_DIR/checkpoints
state.savepoints.dir: file://$STATE_DIR/savepoints
execution.checkpointing.interval: 10s
EOF
    cat > "$CONF_DIR/log4j-console.properties" <<'EOF'
rootLogger.level = INFO
rootLogger.appenderRef.console.ref = ConsoleAppender
appender.console.name = ConsoleAppender
appender.console.type = CONSOLE
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
EOF
  fi
}

# rest.port from config.yaml, flat (rest.port: 8081) or nested (rest:\n  port: 8081); else 8081.
rest_port() {
  local port
  port="$(awk '
    /^rest\.port:/ { sub(/^rest\.port:[ \t]*/, ""); print; exit }
    /^rest:/ { inrest = 1; next }
    inrest && /^[^ \t#]/ { inrest = 0 }
    inrest && /^[ \t]+port:/ { sub(/^[ \t]+port:[ \t]*/, ""); print; exit }
  ' "$CONF_DIR/config.yaml" | tr -d "\"' \r")"
  echo "${port:-8081}"
}

http_get() {
  if command -v curl >/dev/null; then
    curl -sf --max-time 5 "http://localhost:$1$2"
  else
    # No curl: a plain HTTP/1.0 request over bash's /dev/tcp.
    exec 3<>"/dev/tcp/localhost/$1" || return 1
    printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "$2" >&3
    sed '1,/^\r$/d' <&3
    exec 3<&-
  fi
}

# The cluster's jars: flink-clients, flink-runtime-web, flink-streaming-java, RocksDB, the Prometheus
# reporter and Log4j, as cluster-services/pom.xml lists them. Resolved once, then reused.
resolve_classpath() {
  if [[ -n "$CLASSPATH_FILE" ]]; then CP="$(cat "$CLASSPATH_FILE")"; return; fi
  local file="$STATE_DIR/cluster.classpath"
  if [[ ! -s "$file" || "$ROOT/cluster-services/pom.xml" -nt "$file" || "$ROOT/pom.xml" -nt "$file" ]]; then
    echo "resolving the Flink cluster classpath with Maven (cluster-services)..."
    (cd "$ROOT" && ./mvnw -B -ntp -q -pl cluster-services dependency:build-classpath \
        -Dmdep.includeScope=runtime -Dmdep.outputFile="$file")
  fi
  CP="$(cat "$file")"
}

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# BashJavaUtils prints the JVM flags and dynamic options that jobmanager.sh / taskmanager.sh compute
# from the memory settings: two lines prefixed BASH_JAVA_UTILS_EXEC_RESULT:.
memory_params() {
  local out
  out="$(java $JAVA_OPENS -cp "$CP" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$CONF_DIR" 2>&1)" \
    || { echo "$out" >&2; return 1; }
  JVM_PARAMS="$(echo "$out" | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' | sed -n 1p | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://')"
  DYNAMIC_PARAMS="$(echo "$out" | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' | sed -n 2p | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://')"
  [[ -n "$JVM_PARAMS" ]] || { echo "BashJavaUtils $1 printed no parameters:" >&2; echo "$out" >&2; return 1; }
}

start_process() { # name pid-file main-class
  local name="$1" pid_file="$2" main="$3"; shift 3
  if alive "$pid_file"; then echo "$name already running (PID $(cat "$pid_file"))"; return; fi
  local log="$STATE_DIR/log/$name.log"
  # shellcheck disable=SC2086 # the JVM flags are word lists
  nohup java $JAVA_OPENS $JVM_PARAMS -Dlog.file="$log" \
      -Dlog4j.configurationFile="file:$CONF_DIR/log4j-console.properties" \
      -cp "$CP" "$main" --configDir "$CONF_DIR" "$@" > "$STATE_DIR/log/$name.out" 2>&1 < /dev/null &
  echo $! > "$pid_file"
  echo "$name started (PID $!), log $STATE_DIR/log/$name.out"
}

start() {
  resolve_conf_dir
  resolve_classpath
  local port; port="$(rest_port)"
  memory_params GET_JM_RESOURCE_PARAMS
  # shellcheck disable=SC2086
  start_process jobmanager "$JM_PID_FILE" org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint $DYNAMIC_PARAMS
  memory_params GET_TM_RESOURCE_PARAMS
  # shellcheck disable=SC2086
  start_process taskmanager "$TM_PID_FILE" org.apache.flink.runtime.taskexecutor.TaskManagerRunner $DYNAMIC_PARAMS
  echo "$CONF_DIR" > "$STATE_DIR/conf-dir"
  for _ in $(seq 1 90); do
    if http_get "$port" /overview 2>/dev/null | grep -q '"taskmanagers":[1-9]'; then
      echo "Flink session cluster up: web UI http://localhost:$port (config $CONF_DIR)"
      return
    fi
    for f in "$JM_PID_FILE" "$TM_PID_FILE"; do
      alive "$f" || { echo "$(basename "$f" .pid) exited; see $STATE_DIR/log/" >&2; tail -30 "$STATE_DIR/log/$(basename "$f" .pid).out" >&2; stop; exit 1; }
    done
    sleep 1
  done
  echo "no TaskManager registered at http://localhost:$port within 90 s; see $STATE_DIR/log/" >&2
  exit 1
}

stop_process() { # name pid-file
  local name="$1" pid_file="$2"
  if ! alive "$pid_file"; then rm -f "$pid_file"; return; fi
  local pid; pid="$(cat "$pid_file")"
  kill "$pid"
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fi
  rm -f "$pid_file"
  echo "$name stopped (PID $pid)"
}

stop() {
  stop_process taskmanager "$TM_PID_FILE"
  stop_process jobmanager "$JM_PID_FILE"
}

status() {
  local running=0
  for f in "$JM_PID_FILE" "$TM_PID_FILE"; do
    if alive "$f"; then echo "$(basename "$f" .pid): running (PID $(cat "$f"))"; running=1
    else echo "$(basename "$f" .pid): not running"; fi
  done
  [[ $running == 1 ]] || return 3
  [[ -n "$CONF_DIR" || ! -f "$STATE_DIR/conf-dir" ]] || CONF_DIR="$(cat "$STATE_DIR/conf-dir")"
  resolve_conf_dir
  local port; port="$(rest_port)"
  echo "overview: $(http_get "$port" /overview || echo unreachable)"
  echo "jobs:     $(http_get "$port" /jobs/overview || echo unreachable)"
}

submit() {
  [[ -n "$CONF_DIR" || ! -f "$STATE_DIR/conf-dir" ]] || CONF_DIR="$(cat "$STATE_DIR/conf-dir")"
  resolve_conf_dir
  resolve_classpath
  if [[ ! -f "$JOB_JAR" ]]; then
    (cd "$ROOT" && ./mvnw -B -ntp -q package -DskipTests)
  fi
  local port; port="$(rest_port)"
  # CliFrontend is what bin/flink runs; FLINK_CONF_DIR gives the client the cluster's settings
  # (checkpointing, state backend), which the job's graph is built with.
  # shellcheck disable=SC2086
  FLINK_CONF_DIR="$CONF_DIR" java $JAVA_OPENS \
      -Dlog4j.configurationFile="file:$CONF_DIR/log4j-console.properties" -Dlog.file="$STATE_DIR/log/client.log" \
      -cp "$CP" org.apache.flink.client.cli.CliFrontend run -m "localhost:$port" -d \
      ${RUN_OPTS[@]+"${RUN_OPTS[@]}"} "$JOB_JAR" ${JOB_ARGS[@]+"${JOB_ARGS[@]}"}
}

case "$COMMAND" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  submit) submit ;;
  *) usage ;;
esac
