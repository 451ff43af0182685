#!/usr/bin/env bash
# Builds and runs every test project. Starts (and installs with apt-get, when missing) a RabbitMQ
# node of its own unless a broker already answers on the test port, and likewise a PostgreSQL cluster
# (the storage, outbox, scheduler and alert tests run on SQLite and on PostgreSQL). Its last line is
#   Tests: N passed, N failed, N skipped
# over all projects, just below a wall time per project and in total; it exits non-zero on any failure. The fast
# projects run first, the system suite (tests/Surveys.IntegrationTests) last.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. infra/lib/common.sh

export SURVEYS_TEST_RABBITMQ_PORT=${SURVEYS_TEST_RABBITMQ_PORT:-5673}
export SURVEYS_TEST_RABBITMQ_MANAGEMENT_PORT=${SURVEYS_TEST_RABBITMQ_MANAGEMENT_PORT:-15673}
SURVEYS_TEST_POSTGRES_PORT=${SURVEYS_TEST_POSTGRES_PORT:-5434}
CONFIGURATION=Release
WORK=$(mktemp -d -t surveys-test.XXXXXX)
RESULTS="$ROOT/TestResults"
rm -rf "$RESULTS"; mkdir -p "$RESULTS"

finish() {
  stop_rabbitmq
  stop_postgres
  rm -rf "$WORK"
}
trap finish EXIT

require_dotnet
# Browser tests drive Debian's Chromium (no browser download); a Devanagari font renders the Hindi pages.
if [ ! -x "${SURVEYS_CHROMIUM:-/usr/bin/chromium}" ]; then apt_install chromium; fi
if command -v fc-list >/dev/null && ! fc-list | grep -qi deva; then apt_install fonts-lohit-deva || true; fi
# The reverse-proxy tests run Debian's nginx in the foreground on their own ports; the package's own service, which
# its installation may start on port 80, is stopped again.
export SURVEYS_NGINX=${SURVEYS_NGINX:-/usr/sbin/nginx}
if [ ! -x "$SURVEYS_NGINX" ]; then
  apt_install nginx
  as_root sh -c 'command -v service >/dev/null && service nginx stop >/dev/null 2>&1; [ -f /run/nginx.pid ] && kill "$(cat /run/nginx.pid)" 2>/dev/null; true'
fi
ensure_rabbitmq surveys-test@localhost "$SURVEYS_TEST_RABBITMQ_PORT" "$SURVEYS_TEST_RABBITMQ_MANAGEMENT_PORT" "$WORK/rabbitmq" || exit 1
if [ -n "$RABBIT_STARTED_NODE" ]; then
  # The fault-injection tests stop and start this node's broker to simulate an outage.
  export SURVEYS_TEST_RABBITMQ_NODE="$RABBIT_STARTED_NODE" SURVEYS_TEST_RABBITMQ_HOME="$WORK/rabbitmq"
fi

ensure_postgres "$SURVEYS_TEST_POSTGRES_PORT" || exit 1

log "building (Release)"
if ! dotnet build Surveys.sln -c "$CONFIGURATION" -nologo -v quiet -clp:ErrorsOnly; then
  finish
  trap - EXIT
  echo "Tests: 0 passed, 1 failed, 0 skipped"
  exit 1
fi

# The fast tier first (unit and functional tests: no broker, no other process), then the system suite (real processes,
# RabbitMQ, PostgreSQL, Chromium, nginx: tests/Surveys.IntegrationTests, [Category("System")]). See docs/testing.md.
status=0
timings=()
started_all=$(date +%s)
projects=$(find tests -name '*Tests.csproj' | sort | grep -v '/Surveys.IntegrationTests/'; find tests -name 'Surveys.IntegrationTests.csproj')
for project in $projects; do
  name=$(basename "$project" .csproj)
  log "running $name"
  started=$(date +%s)
  if ! dotnet test "$project" -c "$CONFIGURATION" --no-build -nologo \
      --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" --results-directory "$RESULTS"; then
    status=1
  fi
  timings+=("$(printf '%-32s %6ss' "$name" "$(( $(date +%s) - started ))")")
done
total_seconds=$(( $(date +%s) - started_all ))

passed=0; failed=0; skipped=0; found=0
for trx in "$RESULTS"/*.trx; do
  [ -e "$trx" ] || continue
  found=1
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  total=$(get total); p=$(get passed); f=$(get failed); e=$(get error); t=$(get timeout); a=$(get aborted)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0}))
  skipped=$((skipped + ${total:-0} - ${p:-0} - ${f:-0} - ${e:-0} - ${t:-0} - ${a:-0}))
done
if [ $found -eq 0 ] || { [ $status -ne 0 ] && [ $failed -eq 0 ]; }; then
  # A project crashed before writing its results: count it as a failure rather than hide it.
  failed=$((failed + 1)); status=1
fi
[ $failed -eq 0 ] || status=1
if [ $failed -ne 0 ]; then
  # Name each failed test and the start of its message just above the result line, where a
  # truncated CI log still shows them.
  echo "Failed tests:"
  for trx in "$RESULTS"/*.trx; do
    [ -e "$trx" ] || continue
    awk -v project="$(basename "$trx" .trx)" '
      /<UnitTestResult / && /outcome="(Failed|Error|Timeout|Aborted)"/ {
        match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11); gsub(/&quot;/, "\"", name)
        print "  " project ": " name; want = 1; shown = 0; next }
      want && /<Message>/ { inmsg = 1; sub(/.*<Message>/, "") }
      inmsg {
        line = $0; done = sub(/<\/Message>.*/, "", line)
        gsub(/&lt;/, "<", line); gsub(/&gt;/, ">", line); gsub(/&quot;/, "\"", line); gsub(/&amp;/, "\\&", line)
        if (shown < 6 && line != "") { print "      " substr(line, 1, 300); shown++ }
        if (done) { inmsg = 0; want = 0 } }
      /<\/UnitTestResult>/ { want = 0; inmsg = 0 }' "$trx"
  done
fi
finish
trap - EXIT
# Each project's wall time (the build excluded), then the total, just above the result line.
echo "Wall time per test project:"
for timing in "${timings[@]}"; do echo "  $timing"; done
printf '  %-32s %6ss\n' "total" "$total_seconds"
echo "Tests: $passed passed, $failed failed, $skipped skipped"
exit $status
