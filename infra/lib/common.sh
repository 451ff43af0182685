# Shared helpers for infra/run.sh and infra/test.sh. Sourced, not run.
# shellcheck shell=bash

RABBIT_BIN=/usr/lib/rabbitmq/bin

log() { printf '[surveys] %s\n' "$*" >&2; }
die() { printf '[surveys] error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root (or sudo) to run: $*"; fi
}

# apt_install PACKAGE... : installs what is missing, on Debian/Ubuntu.
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found: install $* yourself (this script supports Debian/Ubuntu)"
  log "installing $* with apt-get"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

require_dotnet() {
  command -v dotnet >/dev/null || die "the .NET 10 SDK is required (https://learn.microsoft.com/dotnet/core/install/linux)"
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
}

# port_answers HOST PORT : true when something accepts TCP connections there.
port_answers() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# wait_for_http URL SECONDS [PID] : waits for a 200; gives up early when the process PID has exited.
wait_for_http() {
  local url=$1 deadline=$((SECONDS + $2)) pid=${3:-}
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "$url" 2>/dev/null)" = "200" ]; do
    [ $SECONDS -lt $deadline ] || return 1
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    sleep 0.5
  done
}

# ensure_rabbitmq NODE_NAME AMQP_PORT MANAGEMENT_PORT BASE_DIR
# Uses a broker that already answers on AMQP_PORT; otherwise installs Debian's rabbitmq-server when
# missing and starts a node of our own, with the management plugin, keeping its files in BASE_DIR.
# Sets RABBIT_STARTED_NODE when it started one (stop it with stop_rabbitmq).
ensure_rabbitmq() {
  local node=$1 port=$2 mgmt=$3 base=$4
  RABBIT_STARTED_NODE=""
  if port_answers 127.0.0.1 "$port"; then
    log "using the RabbitMQ broker already answering on 127.0.0.1:$port"
    return 0
  fi
  command -v curl >/dev/null || apt_install curl ca-certificates
  [ -x "$RABBIT_BIN/rabbitmq-server" ] || apt_install rabbitmq-server
  mkdir -p "$base"
  cat > "$base/rabbitmq.conf" <<CONF
listeners.tcp.default = $port
management.tcp.port = $mgmt
management.tcp.ip = 127.0.0.1
CONF
  echo '[rabbitmq_management].' > "$base/enabled_plugins"
  set_rabbit_env "$node" "$port" "$base"
  # infra/lib/rabbitmq-node.sh stops, kills and starts this node again from the same environment (the chaos tests).
  printf '%s\n' "${RABBIT_ENV[@]}" > "$base/node.env"
  log "starting RabbitMQ node $node on 127.0.0.1:$port (management on $mgmt), data in $base"
  start_rabbitmq_node "$node" "$mgmt" "$base" || die "RabbitMQ did not start; see $base/log"
  RABBIT_STARTED_NODE=$node
}

# start_rabbitmq_node NODE_NAME MANAGEMENT_PORT BASE_DIR : starts the node with RABBIT_ENV, in a session of its own
# (so it outlives whoever started it), and waits until the broker and its management API answer.
start_rabbitmq_node() {
  local node=$1 mgmt=$2 base=$3 deadline=$((SECONDS + 120))
  setsid nohup env "${RABBIT_ENV[@]}" "$RABBIT_BIN/rabbitmq-server" >> "$base/server.out" 2>&1 < /dev/null &
  until env "${RABBIT_ENV[@]}" "$RABBIT_BIN/rabbitmqctl" -n "$node" await_startup --timeout 30 >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      tail -n 30 "$base/server.out" >&2
      return 1
    fi
    sleep 1
  done
  wait_for_http "http://guest:guest@127.0.0.1:$mgmt/api/overview" 60 >/dev/null || true
}

# The node runs as the calling user with its own home, so its Erlang cookie stays in its folder.
set_rabbit_env() {
  local node=$1 port=$2 base=$3
  RABBIT_ENV=(HOME="$base" RABBITMQ_NODENAME="$node" RABBITMQ_NODE_PORT="$port" RABBITMQ_DIST_PORT=$((port + 20000))
    RABBITMQ_MNESIA_BASE="$base/mnesia" RABBITMQ_LOG_BASE="$base/log" RABBITMQ_CONFIG_FILE="$base/rabbitmq.conf"
    RABBITMQ_ENABLED_PLUGINS_FILE="$base/enabled_plugins" RABBITMQ_PID_FILE="$base/rabbitmq.pid")
}

# Stops the node by its name (its pid may have changed: the chaos tests kill and restart it).
stop_rabbitmq() {
  [ -n "${RABBIT_STARTED_NODE:-}" ] || return 0
  log "stopping RabbitMQ node $RABBIT_STARTED_NODE"
  env "${RABBIT_ENV[@]}" "$RABBIT_BIN/rabbitmqctl" -n "$RABBIT_STARTED_NODE" stop >/dev/null 2>&1 || true
  RABBIT_STARTED_NODE=""
}

# pg_bin_dir : the newest installed PostgreSQL's programs (Debian keeps them out of PATH).
pg_bin_dir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && printf '%s' "$dir"
}

# ensure_postgres PORT
# Uses a PostgreSQL server that already answers on PORT; otherwise installs Debian's postgresql when missing and
# starts a throw-away cluster of our own there (127.0.0.1 only, trust authentication, fsync off for test data unless
# SURVEYS_POSTGRES_FSYNC=on, as the load harness sets it), in a
# fresh temporary folder. PostgreSQL refuses to run as root, so as root the cluster runs as the postgres user, in
# a folder it owns. Exports SURVEYS_TEST_POSTGRES (the server's connection string, user postgres) and sets
# PG_STARTED_DIR when it started one (stop it with stop_postgres).
ensure_postgres() {
  local port=$1 bin run=()
  PG_STARTED_DIR=""
  export SURVEYS_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres"
  if port_answers 127.0.0.1 "$port"; then
    log "using the PostgreSQL server already answering on 127.0.0.1:$port"
    return 0
  fi
  bin=$(pg_bin_dir) || { apt_install postgresql; bin=$(pg_bin_dir) || die "PostgreSQL's initdb not found after installing postgresql"; }
  PG_BASE=$(mktemp -d -t surveys-pg.XXXXXX)
  chmod 755 "$PG_BASE"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "the postgres user is missing (Debian's postgresql package creates it)"
    chown postgres: "$PG_BASE"
    run=(runuser -u postgres --)
  fi
  log "starting PostgreSQL ($bin) on 127.0.0.1:$port, data in $PG_BASE"
  "${run[@]}" "$bin/initdb" -D "$PG_BASE/data" -U postgres -A trust -E UTF8 --no-locale --no-sync >"$PG_BASE/initdb.out" 2>&1 \
    || { cat "$PG_BASE/initdb.out" >&2; die "initdb failed"; }
  "${run[@]}" "$bin/pg_ctl" -D "$PG_BASE/data" -l "$PG_BASE/server.log" -w -t 60 \
    -o "-p $port -k $PG_BASE -c listen_addresses=127.0.0.1 -c fsync=${SURVEYS_POSTGRES_FSYNC:-off} -c max_connections=300" start >/dev/null \
    || { tail -n 30 "$PG_BASE/server.log" >&2; die "PostgreSQL did not start; see $PG_BASE/server.log"; }
  PG_STARTED_DIR=$PG_BASE
  PG_RUN=("${run[@]}") PG_BIN=$bin
}

stop_postgres() {
  [ -n "${PG_STARTED_DIR:-}" ] || return 0
  log "stopping PostgreSQL ($PG_STARTED_DIR)"
  "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_STARTED_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_STARTED_DIR"
  PG_STARTED_DIR=""
}

# guest_vhost MANAGEMENT_API_URL VHOST : creates a virtual host with full rights for guest (the load harness's own).
guest_vhost() {
  curl -sf -u guest:guest -X PUT "$1/vhosts/$2" >/dev/null
  curl -sf -u guest:guest -X PUT -H 'content-type: application/json' \
    -d '{"configure":".*","write":".*","read":".*"}' "$1/permissions/$2/guest" >/dev/null
}

# delete_vhost MANAGEMENT_API_URL VHOST : removes it with its queues (no error when it is gone).
delete_vhost() { curl -s -u guest:guest -X DELETE "$1/vhosts/$2" >/dev/null 2>&1 || true; }
