#!/usr/bin/env bash
# Runs the whole Surveys system on this machine: a RabbitMQ node (installed with apt-get when no
# broker answers), then intake, scoring and notifier, each with its SQLite file in ./data, and the staff portal
# (the one web front for admins, nurses and operators; it keeps no data of its own).
# Ctrl-C stops everything this script started. Safe to run again, or after a crash.
# It runs them in Development (ASPNETCORE_ENVIRONMENT=Development): invitations and alerts go to the development
# outboxes (/dev/outbox, /dev/alert-outbox) and every page says "Development: messages are not sent". For real
# patients run them in Production with real channels (docs/operations.md, "Before the first real patient"):
#   SURVEYS_ENVIRONMENT=Production Alerting__Contacts__0__Name=ward Alerting__Contacts__0__Webhook=https://... \
#   Alerting__WebhookSecret=... infra/run.sh
# In Production a service refuses to start when urgent alerts would reach nobody.
set -euo pipefail
# Patient data and logs are for this account only: everything made from here on (the data folder, the logs, the
# services' own files) is owner-only (folders 700, files 600), and a folder left by an older run is tightened below.
umask 077
cd "$(dirname "$0")/.."
ROOT=$PWD
. infra/lib/common.sh

DATA_DIR=${SURVEYS_DATA_DIR:-$ROOT/data}
RABBITMQ_PORT=${RABBITMQ_PORT:-5672}
RABBITMQ_MANAGEMENT_PORT=${RABBITMQ_MANAGEMENT_PORT:-15672}
INTAKE_PORT=${INTAKE_PORT:-5101}
SCORING_PORT=${SCORING_PORT:-5102}
NOTIFIER_PORT=${NOTIFIER_PORT:-5103}
PORTAL_PORT=${PORTAL_PORT:-5104}
CONFIGURATION=Release
ENVIRONMENT=${SURVEYS_ENVIRONMENT:-${ASPNETCORE_ENVIRONMENT:-Development}}
mkdir -p "$DATA_DIR/logs" "$DATA_DIR/run"
DATA_DIR=$(cd "$DATA_DIR" && pwd)
chmod 700 "$DATA_DIR" "$DATA_DIR/logs" "$DATA_DIR/run"
find "$DATA_DIR/logs" -maxdepth 1 -type f -exec chmod 600 {} +

require_dotnet
command -v curl >/dev/null || apt_install curl ca-certificates

# A previous run that crashed may have left services behind: stop them first.
for pidfile in "$DATA_DIR"/run/*.pid; do
  [ -e "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null && grep -q "Surveys\." "/proc/$pid/cmdline" 2>/dev/null; then
    log "stopping $(basename "$pidfile" .pid) left running by an earlier run (pid $pid)"
    kill "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
done

PIDS=()
cleanup() {
  trap - INT TERM EXIT
  log "stopping services"
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -f "$DATA_DIR"/run/*.pid
  stop_rabbitmq
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

# Secrets live in the data folder (never in the repository): the token-signing key is made once.
SECRETS="$DATA_DIR/secrets"
mkdir -p "$SECRETS" && chmod 700 "$SECRETS"
if [ -z "${SURVEYS_SIGNING_KEY:-}" ]; then
  [ -s "$SECRETS/signing-key" ] || (umask 077 && head -c 48 /dev/urandom | base64 -w0 > "$SECRETS/signing-key")
  SURVEYS_SIGNING_KEY=$(cat "$SECRETS/signing-key")
fi
# First run: the first admin account, with SURVEYS_ADMIN_PASSWORD or a generated password printed once.
ADMIN_PASSWORD=""; ADMIN_PASSWORD_GENERATED=""
if [ ! -e "$SECRETS/admin-created" ]; then
  if [ -n "${SURVEYS_ADMIN_PASSWORD:-}" ]; then
    ADMIN_PASSWORD=$SURVEYS_ADMIN_PASSWORD
  else
    ADMIN_PASSWORD=$(head -c 18 /dev/urandom | base64 -w0 | tr '+/' '-_'); ADMIN_PASSWORD_GENERATED=1
  fi
fi

ensure_rabbitmq surveys@localhost "$RABBITMQ_PORT" "$RABBITMQ_MANAGEMENT_PORT" "$DATA_DIR/rabbitmq"
# The `surveys` virtual host and one least-privilege user per service (infra/rabbitmq/setup.sh), passwords made once
# into $DATA_DIR/secrets/rabbitmq-* (600). On a node started here the setup uses the node's guest, which the
# services never use: it stays for local development (RabbitMQ lets guest in from loopback only, and it has no
# permissions in the `surveys` virtual host). On a broker
# that already answers it needs an administrator: RABBITMQ_ADMIN_USER / RABBITMQ_ADMIN_PASSWORD (guest/guest is tried
# when they are not given). SURVEYS_BROKER_USERS=off: no set-up, the services run as RABBITMQ_USER/RABBITMQ_PASSWORD
# (default guest) in RABBITMQ_VHOST (default /), for a shared broker where this account has no administrator.
BROKER_USERS=${SURVEYS_BROKER_USERS:-on}
case $BROKER_USERS in on|off) ;; *) die "SURVEYS_BROKER_USERS is on (default) or off, not $BROKER_USERS" ;; esac
if [ "$BROKER_USERS" = on ]; then
  RABBITMQ_API_URL="http://127.0.0.1:$RABBITMQ_MANAGEMENT_PORT" \
    RABBITMQ_ADMIN_USER=${RABBITMQ_ADMIN_USER:-guest} RABBITMQ_ADMIN_PASSWORD=${RABBITMQ_ADMIN_PASSWORD:-guest} \
    SURVEYS_DATA_DIR="$DATA_DIR" infra/rabbitmq/setup.sh \
    || die "could not create the broker's users (an administrator is needed: RABBITMQ_ADMIN_USER/RABBITMQ_ADMIN_PASSWORD; or SURVEYS_BROKER_USERS=off on a shared broker, docs/operations.md)"
  RABBITMQ_VHOST=${SURVEYS_RABBITMQ_VHOST:-surveys}
fi

log "building (Release)"
dotnet build Surveys.sln -c "$CONFIGURATION" -nologo -v quiet -clp:ErrorsOnly >/dev/null || dotnet build Surveys.sln -c "$CONFIGURATION" -nologo -v quiet -clp:ErrorsOnly

start_service() {
  local name=$1 port=$2
  local dir="$ROOT/services/Surveys.$name/bin/$CONFIGURATION/net10.0"
  (
    cd "$dir"
    export ASPNETCORE_ENVIRONMENT="$ENVIRONMENT"
    export Urls="http://127.0.0.1:$port"
    export Storage__DataDirectory="$DATA_DIR"
    export RabbitMq__Host=${RABBITMQ_HOST:-localhost} RabbitMq__Port="$RABBITMQ_PORT"
    export RabbitMq__VirtualHost=${RABBITMQ_VHOST:-/} RabbitMq__Username=${RABBITMQ_USER:-guest} RabbitMq__Password=${RABBITMQ_PASSWORD:-guest}
    export RabbitMq__ManagementUrl="http://127.0.0.1:$RABBITMQ_MANAGEMENT_PORT/"
    export Intake__NotifierUrl="http://127.0.0.1:$NOTIFIER_PORT"
    if [ "$BROKER_USERS" = on ]; then
      # The portal reads the queues and replays or purges failed messages as the console does: the operator's user.
      account=${name,,}; [ "$name" = Portal ] && account=operator
      var="SURVEYS_RABBITMQ_${account^^}_PASSWORD" user="${SURVEYS_RABBITMQ_USER_PREFIX:-surveys-}$account"
      export RabbitMq__Username="$user" RabbitMq__Password="${!var:-$(cat "$SECRETS/rabbitmq-$user")}"
    fi
    export Intake__PublicBaseUrl=${SURVEYS_PUBLIC_URL:-http://127.0.0.1:$INTAKE_PORT}
    export Auth__SigningKey="$SURVEYS_SIGNING_KEY"
    export Notifier__IntakeUrl="http://127.0.0.1:$INTAKE_PORT" Notifier__PortalUrl="http://127.0.0.1:$PORTAL_PORT"
    export Portal__IntakeUrl="http://127.0.0.1:$INTAKE_PORT" Portal__ScoringUrl="http://127.0.0.1:$SCORING_PORT" Portal__NotifierUrl="http://127.0.0.1:$NOTIFIER_PORT"
    if [ "$name" = Intake ] && [ -n "$ADMIN_PASSWORD" ]; then export Auth__BootstrapAdminPassword="$ADMIN_PASSWORD"; fi
    exec dotnet "Surveys.$name.dll"
  ) >> "$DATA_DIR/logs/$name.log" 2>&1 &
  PIDS+=($!)
  echo $! > "$DATA_DIR/run/$name.pid"
}

start_service Intake "$INTAKE_PORT"
start_service Scoring "$SCORING_PORT"
start_service Notifier "$NOTIFIER_PORT"
start_service Portal "$PORTAL_PORT"

for pair in "intake:$INTAKE_PORT" "scoring:$SCORING_PORT" "notifier:$NOTIFIER_PORT" "portal:$PORTAL_PORT"; do
  name=${pair%%:*}; port=${pair##*:}
  if ! wait_for_http "http://127.0.0.1:$port/health/ready" 90 "$(cat "$DATA_DIR/run/${name^}.pid")"; then
    tail -n 40 "$DATA_DIR/logs/${name^}.log" >&2 || true
    # A service that refuses to start (e.g. no real channel for urgent alerts in Production) says why in its log.
    die "$name did not become ready on port $port; its log is $DATA_DIR/logs/${name^}.log"
  fi
done

if [ -n "$ADMIN_PASSWORD" ]; then
  touch "$SECRETS/admin-created"
  if [ -n "$ADMIN_PASSWORD_GENERATED" ]; then
    printf '\nFirst run: created the account "admin" with the password\n\n    %s\n\nIt is shown this once and stored nowhere: keep it safe.\n' "$ADMIN_PASSWORD"
  else
    printf '\nFirst run: created the account "admin" with the password in SURVEYS_ADMIN_PASSWORD.\n'
  fi
fi

cat <<MSG

Surveys is running in $ENVIRONMENT. Ctrl-C stops it.
  staff       http://127.0.0.1:$PORTAL_PORT     (the staff portal: sign in as admin, add nurses and operators there)
  intake      http://127.0.0.1:$INTAKE_PORT     (patients' survey pages at /s/...; API; OpenAPI at /openapi/v1.json)
  scoring     http://127.0.0.1:$SCORING_PORT     (health at /health/ready)
  notifier    http://127.0.0.1:$NOTIFIER_PORT     (alerts API)
  RabbitMQ    http://127.0.0.1:$RABBITMQ_MANAGEMENT_PORT    (management UI; broker users' passwords in $SECRETS/rabbitmq-*)
  data        $DATA_DIR  (SQLite files, logs in logs/)

MSG
if [ "$ENVIRONMENT" = Development ]; then
  printf '  Development: messages are not sent. Invitations are at /dev/outbox (intake), alerts at /dev/alert-outbox (notifier).\n\n'
fi

# Stay in the foreground until Ctrl-C, or until a service exits on its own.
wait -n "${PIDS[@]}" || true
log "a service stopped; see $DATA_DIR/logs"
