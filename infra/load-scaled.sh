#!/usr/bin/env bash
# The load harness against PostgreSQL with INSTANCES copies of each service (default 2) on this machine: a private
# PostgreSQL (fsync on, as in production) with one database per service, a fresh RabbitMQ virtual host, the services
# built in Release, an admin signed in, then `surveys load` spreading the forms over every intake instance.
# Everything it started is stopped at the end.
#   INSTANCES=2 infra/load-scaled.sh --count 30000 --out docs/benchmarks/postgres-2x.json
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. infra/lib/common.sh
require_dotnet

INSTANCES=${INSTANCES:-2}
RABBITMQ_PORT=${RABBITMQ_PORT:-5672}
RABBITMQ_MANAGEMENT_PORT=${RABBITMQ_MANAGEMENT_PORT:-15672}
POSTGRES_PORT=${POSTGRES_PORT:-5436}
WORK=$(mktemp -d /tmp/surveys-scaled.XXXXXX)
VHOST="surveys-scaled-$(basename "$WORK" | cut -d. -f2)"
PASSWORD=$(head -c 18 /dev/urandom | base64 -w0 | tr '+/' '-_')
SIGNING_KEY=$(head -c 48 /dev/urandom | base64 -w0)
MGMT="http://127.0.0.1:$RABBITMQ_MANAGEMENT_PORT/api"
PIDS=()

finish() {
  local status=$?
  trap - EXIT INT TERM
  if [ "$status" -ne 0 ] && [ -d "$WORK/logs" ]; then
    cp -r "$WORK/logs" "$WORK.logs" && log "the services' logs are kept in $WORK.logs"
  fi
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  delete_vhost "$MGMT" "$VHOST"
  stop_postgres
  stop_rabbitmq
  rm -rf "$WORK"
}
trap finish EXIT INT TERM

ensure_rabbitmq surveys-scaled@localhost "$RABBITMQ_PORT" "$RABBITMQ_MANAGEMENT_PORT" "$WORK/rabbitmq"
guest_vhost "$MGMT" "$VHOST"

SURVEYS_POSTGRES_FSYNC=on ensure_postgres "$POSTGRES_PORT"
PG="Host=127.0.0.1;Port=$POSTGRES_PORT;Username=postgres"
for db in intake scoring notifier; do
  psql -q -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres -c "CREATE DATABASE surveys_$db" >/dev/null
done

log "building (Release)"
dotnet build Surveys.sln -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null

start_instance() {
  local name=$1 port=$2 first=$3
  mkdir -p "$WORK/data" "$WORK/logs"
  (
    cd "$ROOT/services/Surveys.$name/bin/Release/net10.0"
    # Development: messages go to the development outboxes, as they always did here (in Production the notifier refuses
    # to start without a real channel for urgent alerts, docs/operations.md).
    export ASPNETCORE_ENVIRONMENT=Development Urls="http://127.0.0.1:$port"
    # Each instance keeps at most 40 connections: six instances stay under the server's max_connections (300).
    export Storage__Engine=Postgres Storage__ConnectionString="$PG;Database=surveys_${name,,};Maximum Pool Size=40"
    # One data folder for every instance: intake's Data Protection keys (protected link tokens) must be shared.
    export Storage__DataDirectory="$WORK/data"
    export RabbitMq__Port="$RABBITMQ_PORT" RabbitMq__VirtualHost="$VHOST" RabbitMq__ManagementUrl="http://127.0.0.1:$RABBITMQ_MANAGEMENT_PORT/"
    export Auth__SigningKey="$SIGNING_KEY" Notifier__IntakeUrl="http://127.0.0.1:5101" Intake__PublicBaseUrl="http://127.0.0.1:5101"
    export Intake__NotifierUrl="http://127.0.0.1:5103"
    export RateLimits__LinkRequestsPerMinute=100000000
    if [ "$name" = Intake ] && [ "$first" = 1 ]; then export Auth__BootstrapAdminPassword="$PASSWORD"; fi
    exec dotnet "Surveys.$name.dll"
  ) >> "$WORK/logs/$name-$port.log" 2>&1 &
  PIDS+=($!)
  wait_for_http "http://127.0.0.1:$port/health/ready" 120 || { tail -n 40 "$WORK/logs/$name-$port.log" >&2; die "$name on $port did not become ready"; }
}

INTAKE_URLS=()
for i in $(seq 0 $((INSTANCES - 1))); do
  start_instance Intake $((5101 + 10 * i)) $((i + 1))
  start_instance Scoring $((5102 + 10 * i)) $((i + 1))
  start_instance Notifier $((5103 + 10 * i)) $((i + 1))
  INTAKE_URLS+=(--intake-url "http://127.0.0.1:$((5101 + 10 * i))")
done
log "$INSTANCES instance(s) of each service running on PostgreSQL"

CLI=(dotnet "$ROOT/services/Surveys.Cli/bin/Release/net10.0/surveys.dll")
# The console reads the broker's address from the same RabbitMq__* keys as the services.
export XDG_CONFIG_HOME="$WORK/config" RabbitMq__VirtualHost="$VHOST"
export RabbitMq__ManagementUrl="http://127.0.0.1:$RABBITMQ_MANAGEMENT_PORT/" RabbitMq__Host=127.0.0.1 RabbitMq__Port="$RABBITMQ_PORT"
for db in intake scoring notifier; do export "SURVEYS_LOAD_POSTGRES_${db^^}=$PG;Database=surveys_$db"; done
printf '%s\n' "$PASSWORD" | "${CLI[@]}" login --url http://127.0.0.1:5101 --user admin --password-stdin >/dev/null
"${CLI[@]}" load "${INTAKE_URLS[@]}" "$@"
