#!/usr/bin/env bash
# Runs the load harness on a fresh system: a new data folder and a new RabbitMQ virtual host, the three services
# built in Release and started by infra/run.sh (with the per-address rate limit on patient links raised, since
# every request comes from this one address), an admin signed in, then `surveys load` with the arguments given.
# Everything it started is stopped at the end; the vhost is deleted.
#   infra/load.sh --count 120000 --rate 2000 --out docs/benchmarks/load-2000.json
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. infra/lib/common.sh
require_dotnet

RABBITMQ_PORT=${RABBITMQ_PORT:-5672}
RABBITMQ_MANAGEMENT_PORT=${RABBITMQ_MANAGEMENT_PORT:-15672}
WORK=$(mktemp -d /tmp/surveys-load.XXXXXX)
VHOST="surveys-load-$(basename "$WORK" | cut -d. -f2)"
PASSWORD=$(head -c 18 /dev/urandom | base64 -w0 | tr '+/' '-_')
MGMT="http://127.0.0.1:$RABBITMQ_MANAGEMENT_PORT/api"
RUN_PID=""

finish() {
  trap - EXIT INT TERM
  if [ -n "$RUN_PID" ]; then kill "$RUN_PID" 2>/dev/null || true; wait "$RUN_PID" 2>/dev/null || true; fi
  delete_vhost "$MGMT" "$VHOST"
  stop_rabbitmq
  rm -rf "$WORK"
}
trap finish EXIT INT TERM

# A broker: the one answering on the port, or a node of our own that run.sh would start anyway. The vhost needs
# the management API, so start the node first when none answers.
ensure_rabbitmq surveys-load@localhost "$RABBITMQ_PORT" "$RABBITMQ_MANAGEMENT_PORT" "$WORK/rabbitmq"
guest_vhost "$MGMT" "$VHOST"

log "starting the system in $WORK/data on vhost $VHOST"
# As guest on a throwaway virtual host (SURVEYS_BROKER_USERS=off): `surveys load` measures the broker with the same
# guest account (the management overview and its own AMQP probe), which no service user may do.
SURVEYS_BROKER_USERS=off SURVEYS_DATA_DIR="$WORK/data" SURVEYS_ADMIN_PASSWORD="$PASSWORD" RABBITMQ_VHOST="$VHOST" \
  RateLimits__LinkRequestsPerMinute=100000000 \
  infra/run.sh > "$WORK/run.out" 2>&1 &
RUN_PID=$!
deadline=$((SECONDS + 600))
until grep -q "Surveys is running" "$WORK/run.out" 2>/dev/null; do
  kill -0 "$RUN_PID" 2>/dev/null || { cat "$WORK/run.out" >&2; die "the system did not start"; }
  [ $SECONDS -lt $deadline ] || die "the system did not start within 10 minutes"
  sleep 1
done

CLI=(dotnet "$ROOT/services/Surveys.Cli/bin/Release/net10.0/surveys.dll")
# The console reads the broker's address from the same RabbitMq__* keys as the services.
export XDG_CONFIG_HOME="$WORK/config" SURVEYS_DATA_DIR="$WORK/data" RabbitMq__VirtualHost="$VHOST"
export RabbitMq__ManagementUrl="http://127.0.0.1:$RABBITMQ_MANAGEMENT_PORT/" RabbitMq__Host=127.0.0.1 RabbitMq__Port="$RABBITMQ_PORT"
printf '%s\n' "$PASSWORD" | "${CLI[@]}" login --user admin --password-stdin >/dev/null
"${CLI[@]}" load "$@"
