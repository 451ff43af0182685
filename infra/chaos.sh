#!/usr/bin/env bash
# The project's chaos suite (docs/reliability.md, "Chaos suite"): intake, scoring and notifier as real processes on a
# RabbitMQ node of the suite's own (never someone else's broker), a load of SURVEYS_CHAOS_FORMS forms (3000 by
# default) with a known set of expected alerts, and during it broker app stop, broker node stop/start, node SIGKILL,
# SIGKILL and restart of each service, a poison message and held SQLite write locks; then exact checks and a bounded
# wait for the drain (tests/Surveys.IntegrationTests/ChaosTests.cs).
#   infra/chaos.sh             one run
#   infra/chaos.sh --runs N    N runs in a row, one result line each
# Its last line is the result, "Chaos: 3000 forms, 3000 accepted ..., 0 lost, 0 doubled, ..." or "Chaos: FAILED ...";
# it exits non-zero on any loss, doubling, stall or error.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. infra/lib/common.sh

RUNS=1
while [ $# -gt 0 ]; do
  case $1 in
    --runs) RUNS=${2:-}; shift 2 || die "--runs needs a number" ;;
    *) die "usage: infra/chaos.sh [--runs N]" ;;
  esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs needs a positive number"

PORT=${SURVEYS_CHAOS_RABBITMQ_PORT:-5676}
MANAGEMENT_PORT=${SURVEYS_CHAOS_RABBITMQ_MANAGEMENT_PORT:-15676}
NODE=surveys-chaos@localhost
export SURVEYS_CHAOS_FORMS=${SURVEYS_CHAOS_FORMS:-3000}
WORK=$(mktemp -d -t surveys-chaos.XXXXXX)
LOGS="$ROOT/TestResults/chaos"

# The result line is printed last, after the node has stopped; an early exit (die, fail) prints a failed result.
RESULT=""
finish() {
  stop_rabbitmq
  [ ! -d "$LOGS" ] || cp -r "$WORK/rabbitmq/log" "$LOGS/rabbitmq" 2>/dev/null
  rm -rf "$WORK"
  printf '%s\n' "${RESULT:-Chaos: FAILED (stopped before a result; see the messages above)}"
}
trap finish EXIT

fail() {
  RESULT="Chaos: FAILED ($*)"
  exit 1
}

require_dotnet
# The suite stops and kills its broker: it must be a node of its own, never one that already answers.
for p in "$PORT" "$MANAGEMENT_PORT" $((PORT + 20000)); do
  if port_answers 127.0.0.1 "$p"; then fail "port $p is taken; the chaos suite starts its own broker there (set SURVEYS_CHAOS_RABBITMQ_PORT and SURVEYS_CHAOS_RABBITMQ_MANAGEMENT_PORT)"; fi
done
rm -rf "$LOGS"; mkdir -p "$LOGS"
ensure_rabbitmq "$NODE" "$PORT" "$MANAGEMENT_PORT" "$WORK/rabbitmq" || fail "the broker node did not start"
[ "$RABBIT_STARTED_NODE" = "$NODE" ] || fail "the broker node $NODE was not started by this run"
export SURVEYS_TEST_RABBITMQ_PORT=$PORT SURVEYS_TEST_RABBITMQ_MANAGEMENT_PORT=$MANAGEMENT_PORT \
  SURVEYS_TEST_RABBITMQ_NODE=$NODE SURVEYS_TEST_RABBITMQ_HOME="$WORK/rabbitmq"

log "building (Release)"
dotnet build Surveys.sln -c Release -nologo -v quiet -clp:ErrorsOnly >&2 || fail "the build failed"

status=0
for run in $(seq 1 "$RUNS"); do
  result="$WORK/result-$run"
  output="$LOGS/run-$run.log"
  log "run $run of $RUNS: $SURVEYS_CHAOS_FORMS forms; test output in $output"
  started=$SECONDS
  SURVEYS_CHAOS_RESULT="$result" dotnet test tests/Surveys.IntegrationTests -c Release --no-build -nologo \
    --filter Category=Chaos --logger "console;verbosity=normal" > "$output" 2>&1
  code=$?
  line=$(cat "$result" 2>/dev/null)
  if [ -z "$line" ]; then
    reason=$(grep -m 1 -E 'Error Message:|Skipped |error ' -A 2 "$output" | tr -s ' \n' ' ' | cut -c1-400)
    line="Chaos: FAILED (the test did not finish: ${reason:-dotnet test exited $code}; see $output)"
  elif [ $code -ne 0 ] && [[ $line != "Chaos: FAILED"* ]]; then
    line="Chaos: FAILED (dotnet test exited $code; see $output) ${line#Chaos: }"
  fi
  [[ $line == "Chaos: FAILED"* ]] && status=1
  [ "$RUNS" -eq 1 ] || line="$line (run $run of $RUNS, $((SECONDS - started)) s)"
  if [ "$run" -eq "$RUNS" ]; then RESULT=$line; else printf '%s\n' "$line"; fi
  # Each run ends with the node up (the test starts it again after every fault); make sure before the next.
  if [ "$run" -lt "$RUNS" ] && ! env "${RABBIT_ENV[@]}" "$RABBIT_BIN/rabbitmqctl" -n "$NODE" await_startup --timeout 5 >/dev/null 2>&1; then
    infra/lib/rabbitmq-node.sh start "$WORK/rabbitmq" || fail "the broker node did not come back after run $run"
  fi
done
exit $status
