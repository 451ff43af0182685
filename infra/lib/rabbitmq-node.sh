#!/usr/bin/env bash
# Usage: infra/lib/rabbitmq-node.sh start|stop|kill BASE_DIR
# Controls a RabbitMQ node that ensure_rabbitmq (infra/lib/common.sh) started with its files in BASE_DIR, using the
# environment it saved there (node.env), so the node comes back exactly as it was (name, ports, data):
#   stop   rabbitmqctl stop: the whole Erlang node ends cleanly; waits until its process has gone
#   kill   SIGKILL to the node's process (its pid from BASE_DIR/rabbitmq.pid), as a crash would; waits until it has gone
#   start  starts the node again and waits until the broker and its management API answer
# The chaos tests (tests/Surveys.IntegrationTests/BrokerControl.cs) call it.
set -uo pipefail
. "$(dirname "$0")/common.sh"

action=${1:-} base=${2:-}
[ -n "$base" ] && [ -s "$base/node.env" ] || die "usage: $0 start|stop|kill BASE_DIR (a node folder with node.env from ensure_rabbitmq)"
mapfile -t RABBIT_ENV < "$base/node.env"
node=$(printf '%s\n' "${RABBIT_ENV[@]}" | sed -n 's/^RABBITMQ_NODENAME=//p')
mgmt=$(sed -n 's/^management\.tcp\.port = //p' "$base/rabbitmq.conf")
pidfile="$base/rabbitmq.pid"

# wait_gone PID SECONDS : true once the process has ended.
wait_gone() {
  local deadline=$((SECONDS + $2))
  while kill -0 "$1" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

case $action in
  start)
    start_rabbitmq_node "$node" "$mgmt" "$base" || die "RabbitMQ node $node did not start; see $base/log"
    ;;
  stop)
    pid=$(cat "$pidfile" 2>/dev/null)
    env "${RABBIT_ENV[@]}" "$RABBIT_BIN/rabbitmqctl" -n "$node" stop >/dev/null || die "rabbitmqctl stop of $node failed"
    [ -z "$pid" ] || wait_gone "$pid" 60 || die "RabbitMQ node $node (pid $pid) still runs 60 s after rabbitmqctl stop"
    ;;
  kill)
    pid=$(cat "$pidfile" 2>/dev/null)
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || die "no running RabbitMQ node process in $pidfile"
    kill -KILL "$pid"
    wait_gone "$pid" 30 || die "RabbitMQ node $node (pid $pid) still runs after SIGKILL"
    ;;
  *)
    die "usage: $0 start|stop|kill BASE_DIR"
    ;;
esac
