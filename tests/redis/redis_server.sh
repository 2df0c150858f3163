#!/usr/bin/env bash
# A private, throw-away Redis server for the test suites (no persistence).
#
#   redis_server.sh start   DIR   start on 127.0.0.1 and a free port, print
#                                 its URI (also in DIR/uri; the port in
#                                 DIR/port)
#   redis_server.sh stop    DIR   stop the server and remove DIR
#   redis_server.sh restart DIR   stop and start again on the same port: all
#                                 data is lost (what the cluster must survive)
#   redis_server.sh halt    DIR   stop, keep DIR (restart starts it again)
#
# DIR holds redis.pid, redis.log, port and uri. The server is stopped by
# the pid in DIR/redis.pid only (checked to be a redis-server), never by
# name. Readiness is a PING over bash's /dev/tcp (no redis-cli needed).
set -euo pipefail

REDIS_SERVER=${REDIS_SERVER:-/usr/bin/redis-server}
MARKER=.actodo-redis-server   # marks a DIR made by this script (guards rm -rf)

die() { echo "redis_server.sh: $*" >&2; exit 1; }

# free_port: prints a TCP port on 127.0.0.1 that is free right now.
source "$(dirname "${BASH_SOURCE[0]}")/../free_port.sh"

# True when the server on port $1 answers PING with PONG (within 1 s).
answers() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'PING\r\n' >&3
    IFS= read -r -t 1 line <&3 || exit 1
    [[ $line == "+PONG"* ]]
  ) 2>/dev/null
}

# True while PID $1 is a redis-server; with $2=live a zombie (exited, not
# yet reaped) counts as gone. A reused PID is never ours.
is_redis() {
  local st; st=$(cat "/proc/$1/status" 2>/dev/null) || return 1
  [[ $st == *"Name:"*redis-serv* ]] && ! [[ ${2-} == live && $st == *"State:"*Z* ]]
}

# Waits up to $2 tenths of a second until is_redis "$1" "$3" is false.
wait_gone() {
  local i
  for ((i = 0; i < $2; i++)); do is_redis "$1" "${3-}" || return 0; sleep 0.1; done
  return 1
}

start_failed() { tail -n 8 "$DIR/redis.log" >&2 || true; die "$1 (see $DIR/redis.log)"; }

# Starts the server on the port in DIR/port and waits until it answers
# (10 s). Fails (status 1) when it exits early, e.g. the port was taken.
redis_start() {
  local port; port=$(cat "$DIR/port")
  rm -f "$DIR/redis.pid"
  # Where this start's lines begin in the (appended) log.
  local mark; mark=$(stat -c %s "$DIR/redis.log" 2>/dev/null || echo 0)
  "$REDIS_SERVER" --bind 127.0.0.1 --port "$port" --save '' \
    --appendonly no --daemonize yes --pidfile "$DIR/redis.pid" \
    --dir "$DIR" --logfile "$DIR/redis.log" >/dev/null 2>>"$DIR/redis.log" ||
    return 1
  local i pid=""
  for ((i = 0; i < 100; i++)); do
    [[ -z $pid && -s $DIR/redis.pid ]] && pid=$(cat "$DIR/redis.pid")
    # A port taken since it was picked: the server aborts before it
    # writes its pid file.
    if [[ -z $pid ]] && tail -c +$((mark + 1)) "$DIR/redis.log" 2>/dev/null |
         grep -q 'aborting'; then return 1; fi
    if [[ -n $pid ]] && ! is_redis "$pid" live; then return 1; fi
    [[ -n $pid ]] && answers "$port" && return 0
    sleep 0.1
  done
  start_failed "server on port $port did not answer PING within 10 s"
}

# Stops the server, if any: SIGTERM to DIR/redis.pid, SIGKILL after 10 s.
redis_stop() {
  local pid; pid=$(cat "$DIR/redis.pid" 2>/dev/null || true)
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  if is_redis "$pid" live; then
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid" 100 live || kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 50 live || die "redis-server $pid in $DIR did not stop"
  fi
  # The exited daemon stays a zombie until init reaps it.
  wait_gone "$pid" 50 || true
  rm -f "$DIR/redis.pid"
}

cmd_start() {
  [[ -x $REDIS_SERVER ]] || die "redis-server is not installed (run .ci/setup): no $REDIS_SERVER"
  [[ -e $DIR/$MARKER ]] && die "$DIR already holds a server (stop it first)"
  [[ $DIR =~ ^[A-Za-z0-9_./-]+$ ]] || die "DIR may hold only [A-Za-z0-9_./-]: $DIR"
  mkdir -p "$DIR"; touch "$DIR/$MARKER"
  # The port may be taken between picking and binding: retry a few times.
  local try
  for try in 1 2 3; do
    free_port >"$DIR/port"; redis_start && break
    [[ $try -lt 3 ]] || start_failed "server did not start"
  done
  echo "redis://127.0.0.1:$(cat "$DIR/port")" >"$DIR/uri"
  cat "$DIR/uri"
}

cmd_stop() {
  [[ -d $DIR ]] || return 0
  if [[ ! -e $DIR/$MARKER ]]; then
    rmdir "$DIR" 2>/dev/null && return 0   # an empty DIR: nothing to stop
    die "$DIR was not made by redis_server.sh start; not removing it"
  fi
  redis_stop
  rm -rf -- "$DIR"
}

cmd_restart() {
  [[ -e $DIR/$MARKER && -f $DIR/port ]] || die "no server in $DIR (run start first)"
  redis_stop   # tolerates a server that is already down
  redis_start || start_failed "restart on port $(cat "$DIR/port") failed"
}

# Stops the server but keeps DIR (a Redis outage; `restart` ends it).
cmd_halt() {
  [[ -e $DIR/$MARKER && -f $DIR/port ]] || die "no server in $DIR (run start first)"
  redis_stop
}

usage() { die "usage: $0 start|stop|restart|halt DIR"; }

[[ $# -eq 2 && -n $2 ]] || usage
DIR=$(realpath -m -- "$2")
[[ $DIR != / ]] || die "DIR must not be /"
case $1 in
  start) cmd_start ;;  stop) cmd_stop ;;  restart) cmd_restart ;;
  halt) cmd_halt ;;
  *) usage ;;
esac
