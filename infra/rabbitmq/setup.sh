#!/usr/bin/env bash
# Creates (or brings up to date) the Surveys virtual host and broker users on a RabbitMQ node. Idempotent:
# run it again after an upgrade, a password change or a new message type; it overwrites tags and permissions.
#
#   infra/rabbitmq/setup.sh                         # rabbitmqctl on this host (node from RABBITMQ_NODE or the default)
#   RABBITMQ_API_URL=https://mq.example:15672 RABBITMQ_ADMIN_USER=admin RABBITMQ_ADMIN_PASSWORD=... \
#     infra/rabbitmq/setup.sh                       # the management HTTP API of any broker
#
# Variables:
#   SURVEYS_RABBITMQ_VHOST            virtual host (default: surveys)
#   SURVEYS_RABBITMQ_USER_PREFIX      prefix of the users' names (default: surveys-; users are broker-wide, so two
#                                     systems on one broker need different prefixes): surveys-intake, surveys-scoring,
#                                     surveys-notifier, surveys-operator
#   SURVEYS_RABBITMQ_INTAKE_PASSWORD, SURVEYS_RABBITMQ_SCORING_PASSWORD, SURVEYS_RABBITMQ_NOTIFIER_PASSWORD,
#   SURVEYS_RABBITMQ_OPERATOR_PASSWORD
#                                     passwords; each one unset is generated once and kept in
#                                     $SURVEYS_DATA_DIR/secrets/rabbitmq-<user> (mode 600; never in the repository)
#   SURVEYS_RABBITMQ_REQUIRE_PASSWORDS yes: refuse to generate, every password must be given (docker-compose.yml)
#   SURVEYS_DATA_DIR                  data folder (default: ./data, as infra/run.sh)
#   SURVEYS_RABBITMQ_OPERATOR_REPLAY  yes (default): the operator may replay failed messages (`surveys errors replay`);
#                                     no: the operator only looks (monitoring tag, no write at all)
#   RABBITMQ_API_URL                  use the management API at this URL instead of rabbitmqctl
#   RABBITMQ_ADMIN_USER / RABBITMQ_ADMIN_PASSWORD   an administrator for the API (default guest/guest)
#   RABBITMQCTL                       the rabbitmqctl command (default: rabbitmqctl, or /usr/lib/rabbitmq/bin/rabbitmqctl)
#   RABBITMQ_NODE                     node for rabbitmqctl -n (default: rabbitmqctl's own default)
#
# Permissions are regular expressions on exchange and queue names (configure = declare/delete, write = publish
# and bind to, read = consume and bind from). They follow MassTransit's names in this system:
#   <service>-*                       the service's receive endpoints: queue + exchange of the same name, their
#                                     _error and _skipped queues and exchanges (declared by the service itself)
#   Surveys.Contracts:<Message>       one fanout exchange per message type; a publisher needs configure + write,
#                                     a consumer configure + read (it binds the type's exchange to its endpoint's)
#   MassTransit:Fault, MassTransit:Fault--Surveys.Contracts:<Message>--
#                                     Fault<T> events a consumer publishes when it gives up on a message (MassTransit
#                                     binds each fault exchange to MassTransit:Fault: read on the first, write on that)
#   MassTransit:ReceiveFault          published when a message cannot even be read (not JSON, unknown envelope);
#                                     without it the broker closes the channel and the endpoint stops consuming
#   <host>_<process>_bus_<id>         the bus's temporary endpoint (auto-delete), one per process; the host and
#                                     process names are not known in advance, so every service may use any of them
# A service cannot consume, declare or publish to another service's queues, and publishes only the message
# types it sends. A new message type needs a line below, then this script run again, before the service that
# uses it is deployed (the broker refuses it otherwise: ACCESS_REFUSED in the service's log).
set -euo pipefail
cd "$(dirname "$0")/../.."

VHOST=${SURVEYS_RABBITMQ_VHOST:-surveys}
PREFIX=${SURVEYS_RABBITMQ_USER_PREFIX:-surveys-}
DATA_DIR=${SURVEYS_DATA_DIR:-$PWD/data}
SECRETS="$DATA_DIR/secrets"

log() { printf '[rabbitmq-setup] %s\n' "$*" >&2; }
die() { printf '[rabbitmq-setup] error: %s\n' "$*" >&2; exit 1; }

# --- permissions --------------------------------------------------------------------------------------------
contract() { local IFS='|'; printf 'Surveys\\.Contracts:(%s)' "$*"; }
fault() { local IFS='|'; printf 'MassTransit:(ReceiveFault|Fault(--Surveys\\.Contracts:(%s)--)?)' "$*"; }
fault_source() { local IFS='|'; printf 'MassTransit:(ReceiveFault|Fault--Surveys\\.Contracts:(%s)--)' "$*"; }
BUS='[A-Za-z0-9_.-]+_bus_[a-z0-9]+'

# service_permissions SERVICE "PUBLISHED TYPES" "CONSUMED TYPES" : prints configure, write and read, one a line.
service_permissions() {
  local service=$1 publishes=$2 consumes=$3
  # shellcheck disable=SC2086
  local all; all=$(contract $publishes $consumes)
  # shellcheck disable=SC2086
  printf '^(%s-.*|%s|%s|%s)$\n' "$service" "$all" "$(fault $consumes)" "$BUS"                 # configure
  # shellcheck disable=SC2086
  printf '^(%s-.*|%s|%s|%s)$\n' "$service" "$(contract $publishes)" "$(fault $consumes)" "$BUS" # write
  # shellcheck disable=SC2086
  printf '^(%s-.*|%s|%s|%s)$\n' "$service" "$(contract $consumes)" "$(fault_source $consumes)" "$BUS" # read
}

#                   service   publishes                        consumes
INTAKE=$(service_permissions intake "SurveySubmitted InvitationExpired" "SurveyScored")
SCORING=$(service_permissions scoring "SurveyScored" "SurveySubmitted")
NOTIFIER=$(service_permissions notifier "PatientAlertRaised" "SurveyScored InvitationExpired")
# The operator: sees everything in the management UI and API (tag monitoring), reads (lists, replays, purges)
# only error and skipped queues, and for replay publishes through the default exchange. Declares nothing.
if [ "${SURVEYS_RABBITMQ_OPERATOR_REPLAY:-yes}" = no ]; then
  OPERATOR=$(printf '%s\n' '^$' '^$' '^(intake|scoring|notifier)-.*_(error|skipped)$')
else
  OPERATOR=$(printf '%s\n' '^$' '^amq\.default$' '^(intake|scoring|notifier)-.*_(error|skipped)$')
fi

if [ "${1:-}" = --print ]; then
  for u in INTAKE SCORING NOTIFIER OPERATOR; do printf '%s\n%s\n\n' "$u" "${!u}"; done
  exit 0
fi

# --- passwords ----------------------------------------------------------------------------------------------
# password USER VARIABLE : the variable's value, or the stored (first generated) one.
password() {
  local user=$1 var=$2
  if [ -n "${!var:-}" ]; then printf '%s' "${!var}"; return; fi
  [ "${SURVEYS_RABBITMQ_REQUIRE_PASSWORDS:-no}" != yes ] || die "$var is not set"
  mkdir -p "$SECRETS" && chmod 700 "$SECRETS"
  local file="$SECRETS/rabbitmq-$user"
  if [ ! -s "$file" ]; then
    (umask 077 && head -c 24 /dev/urandom | base64 -w0 | tr '+/' '-_' > "$file")
    log "generated the password of $user into $file"
  fi
  cat "$file"
}

# --- the two ways to talk to the broker --------------------------------------------------------------------
json_string() { python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))'; }
urlencode() { python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

if [ -n "${RABBITMQ_API_URL:-}" ]; then
  command -v curl >/dev/null || die "curl is required"
  command -v python3 >/dev/null || die "python3 is required"
  CURL_CONFIG=$(mktemp); trap 'rm -f "$CURL_CONFIG"' EXIT
  chmod 600 "$CURL_CONFIG"
  printf 'user = "%s:%s"\n' "${RABBITMQ_ADMIN_USER:-guest}" "${RABBITMQ_ADMIN_PASSWORD:-guest}" > "$CURL_CONFIG"
  # api_put PATH (body on stdin)
  api_put() {
    local code
    code=$(curl -sS -K "$CURL_CONFIG" -o /dev/null -w '%{http_code}' -X PUT -H 'content-type: application/json' \
      --data-binary @- "${RABBITMQ_API_URL%/}/api/$1") || die "the management API at $RABBITMQ_API_URL does not answer"
    case $code in 200|201|204) ;; *) die "PUT /api/$1 answered $code" ;; esac
  }
  add_vhost() { echo '{"description":"Surveys"}' | api_put "vhosts/$(urlencode "$VHOST")"; }
  # add_user USER PASSWORD TAGS
  add_user() {
    printf '{"password":%s,"tags":"%s"}' "$(printf '%s' "$2" | json_string)" "$3" | api_put "users/$(urlencode "$1")"
  }
  # set_permissions USER CONFIGURE WRITE READ
  set_permissions() {
    python3 -c 'import json,sys; print(json.dumps({"configure":sys.argv[1],"write":sys.argv[2],"read":sys.argv[3]}))' "$2" "$3" "$4" \
      | api_put "permissions/$(urlencode "$VHOST")/$(urlencode "$1")"
  }
else
  if [ -n "${RABBITMQCTL:-}" ]; then read -r -a CTL <<< "$RABBITMQCTL"
  elif command -v rabbitmqctl >/dev/null; then CTL=(rabbitmqctl)
  elif [ -x /usr/lib/rabbitmq/bin/rabbitmqctl ]; then CTL=(/usr/lib/rabbitmq/bin/rabbitmqctl)
  else die "rabbitmqctl not found: set RABBITMQCTL, or RABBITMQ_API_URL to use the management API"; fi
  [ -z "${RABBITMQ_NODE:-}" ] || CTL+=(-n "$RABBITMQ_NODE")
  ctl() { "${CTL[@]}" -q "$@"; }
  ctl status >/dev/null 2>&1 || die "rabbitmqctl cannot reach the node (${RABBITMQ_NODE:-default}); is it running, is HOME's Erlang cookie the node's?"
  add_vhost() { ctl list_vhosts name | grep -qxF "$VHOST" || ctl add_vhost "$VHOST" >/dev/null; }
  # Passwords go through standard input, never the command line (ps would show them).
  add_user() {
    if ctl list_users | cut -f1 | grep -qxF "$1"; then
      printf '%s\n' "$2" | ctl change_password "$1" >/dev/null
    else
      printf '%s\n' "$2" | ctl add_user "$1" >/dev/null
    fi
    ctl set_user_tags "$1" ${3:+"$3"} >/dev/null
  }
  set_permissions() { ctl set_permissions -p "$VHOST" "$1" "$2" "$3" "$4" >/dev/null; }
fi

# --- apply --------------------------------------------------------------------------------------------------
log "virtual host $VHOST"
add_vhost
# apply USER PASSWORD_VARIABLE TAGS PERMISSIONS(3 lines)
apply() {
  local user=$1 var=$2 tags=$3 perms=$4 configure write read
  { read -r configure; read -r write; read -r read; } <<< "$perms"
  add_user "$user" "$(password "$user" "$var")" "$tags"
  set_permissions "$user" "$configure" "$write" "$read"
  log "user $user${tags:+ (tag $tags)}: configure $configure"
  log "    write $write"
  log "    read  $read"
}
# The services need no management API (the staff portal reads the queues as the operator): no tags.
apply "${PREFIX}intake" SURVEYS_RABBITMQ_INTAKE_PASSWORD "" "$INTAKE"
apply "${PREFIX}scoring" SURVEYS_RABBITMQ_SCORING_PASSWORD "" "$SCORING"
apply "${PREFIX}notifier" SURVEYS_RABBITMQ_NOTIFIER_PASSWORD "" "$NOTIFIER"
apply "${PREFIX}operator" SURVEYS_RABBITMQ_OPERATOR_PASSWORD monitoring "$OPERATOR"
log "done: give each service RabbitMq__VirtualHost=$VHOST and its own RabbitMq__Username/RabbitMq__Password (docs/operations.md)"
