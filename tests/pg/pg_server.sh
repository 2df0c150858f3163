#!/usr/bin/env bash
# A private, throw-away PostgreSQL 15 server for the test suites.
#
#   pg_server.sh start    DIR       initdb into DIR/data, start on a free port,
#                                   create database "actodo", print its URI
#   pg_server.sh stop     DIR       stop the server (fast) and remove DIR
#   pg_server.sh restart  DIR       stop (fast) and start again, same port/data
#   pg_server.sh halt     DIR       stop (fast), keep DIR (restart starts it)
#   pg_server.sh createdb DIR NAME  create database NAME, print its URI
#
# DIR holds data/ (the cluster), sock/ (Unix socket), server.log, port, pid
# and uri. As root the server runs as the system user "actodo-pg" (created
# when missing); otherwise it runs as the current user.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_USER=actodo-pg
MARKER=.actodo-pg-server   # marks a DIR made by this script (guards rm -rf)

die() { echo "pg_server.sh: $*" >&2; exit 1; }
is_root() { [[ $(id -u) -eq 0 ]]; }
# Runs a command as the server user (from /, which it can always enter).
as_pg() { if is_root; then (cd / && runuser -u "$PG_USER" -- "$@"); else "$@"; fi; }

need_pg() {
  local b; for b in initdb pg_ctl postgres createdb; do
    [[ -x $PG_BIN/$b ]] || die "PostgreSQL 15 is not installed (run .ci/setup): no $PG_BIN/$b"
  done
}

# As root: creates the server user if missing (a concurrent start may win).
ensure_user() {
  if ! is_root || id -u "$PG_USER" >/dev/null 2>&1; then return 0; fi
  useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_USER" ||
    id -u "$PG_USER" >/dev/null 2>&1 || die "cannot create user $PG_USER"
}

# free_port: prints a TCP port on 127.0.0.1 that is free right now.
source "$(dirname "${BASH_SOURCE[0]}")/../free_port.sh"

uri() { echo "postgresql://actodo@127.0.0.1:$(cat "$DIR/port")/$1"; }

# Starts the cluster on the port in DIR/port; writes DIR/pid. pg_ctl's own
# complaints go to DIR/pg_ctl.log, the server's to DIR/server.log.
pg_start() {
  local port; port=$(cat "$DIR/port")
  as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -o \
    "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$DIR/sock -c fsync=on -c synchronous_commit=on -c max_connections=200 -c shared_buffers=64MB" \
    start >/dev/null 2>>"$DIR/pg_ctl.log" || return 1
  head -n 1 "$DIR/data/postmaster.pid" >"$DIR/pid"
}

start_failed() { tail -n 8 "$DIR/server.log" >&2 || true; die "$1 (see $DIR/server.log)"; }

# True while PID $1 is a postgres process; with $2=live a zombie (exited,
# not yet reaped) counts as gone. A reused PID is never ours.
is_pg() {
  local st; st=$(cat "/proc/$1/status" 2>/dev/null) || return 1
  [[ $st == *"Name:"*postgres* ]] && ! [[ ${2-} == live && $st == *"State:"*Z* ]]
}

# Waits up to $2 tenths of a second until is_pg "$1" "$3" is false.
wait_gone() {
  local i
  for ((i = 0; i < $2; i++)); do is_pg "$1" "${3-}" || return 0; sleep 0.1; done
  return 1
}

# Stops the server, if any: pg_ctl first, then signals to DIR/pid only.
pg_stop() {
  [[ -d $DIR/data ]] || return 0
  local pid; pid=$(cat "$DIR/pid" 2>/dev/null || true)
  [[ $pid =~ ^[0-9]+$ ]] || pid=0
  if ! as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 &&
     is_pg "$pid" live; then
    kill -INT "$pid" 2>/dev/null || true    # fast shutdown
    wait_gone "$pid" 100 live || kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 50 live || die "postmaster $pid in $DIR did not stop"
  fi
  # The exited postmaster stays a zombie until its parent (init) reaps it;
  # give that a moment so that callers checking with kill -0 see it gone.
  wait_gone "$pid" 50 || true
}

cmd_start() {
  need_pg; ensure_user
  [[ -e $DIR/data || -e $DIR/$MARKER ]] && die "$DIR already holds a cluster"
  # Socket path $DIR/sock/.s.PGSQL.NNNNN must fit in sun_path (107 bytes).
  (( ${#DIR} <= 80 )) || die "DIR path too long for a Unix socket: $DIR"
  [[ $DIR =~ ^[A-Za-z0-9_./-]+$ ]] || die "DIR may hold only [A-Za-z0-9_./-]: $DIR"
  local up; up=$(dirname "$DIR")   # the server user must enter the parents
  while [[ ! -d $up ]]; do up=$(dirname "$up"); done
  as_pg test -x "$up" || die "user $PG_USER cannot enter $up or a parent of it; use a DIR under e.g. /tmp"
  mkdir -p "$DIR"; chmod 0755 "$DIR"; touch "$DIR/$MARKER"
  mkdir -m 0700 "$DIR/data" "$DIR/sock"
  if is_root; then chown "$PG_USER:" "$DIR" "$DIR/data" "$DIR/sock"; fi
  as_pg test -w "$DIR/data" -a -w "$DIR/sock" || die "user $PG_USER cannot write $DIR/data (umask?)"
  local loc=(--locale=C.UTF-8)
  locale -a 2>/dev/null | grep -qix 'c.utf-\?8' || loc=(--no-locale)
  as_pg "$PG_BIN/initdb" -D "$DIR/data" --auth=trust --username=actodo \
    --encoding=UTF8 "${loc[@]}" >"$DIR/initdb.log" 2>&1 ||
    { cat "$DIR/initdb.log" >&2; die "initdb failed (log: $DIR/initdb.log)"; }
  # The port may be taken between picking and binding: retry a few times.
  local try
  for try in 1 2 3; do
    free_port >"$DIR/port"; pg_start && break
    [[ $try -lt 3 ]] || start_failed "server did not start"
  done
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$(cat "$DIR/port")" -U actodo actodo ||
    die "createdb actodo failed"
  uri actodo >"$DIR/uri"
  cat "$DIR/uri"
}

cmd_stop() {
  [[ -d $DIR ]] || return 0
  if [[ ! -e $DIR/$MARKER ]]; then
    rmdir "$DIR" 2>/dev/null && return 0   # an empty DIR: nothing to stop
    die "$DIR was not made by pg_server.sh start; not removing it"
  fi
  pg_stop   # falls back to signalling DIR/pid if pg_ctl is missing or fails
  rm -rf -- "$DIR"
}

cmd_restart() {
  need_pg
  [[ -f $DIR/port && -d $DIR/data ]] || die "no server in $DIR (run start first)"
  pg_stop   # tolerates a server that is already down (crashed or killed)
  pg_start || start_failed "restart failed"
}

# Stops the server but keeps DIR (a database outage; `restart` ends it).
cmd_halt() {
  [[ -f $DIR/port && -d $DIR/data ]] || die "no server in $DIR (run start first)"
  pg_stop
}

cmd_createdb() {
  need_pg
  [[ -f $DIR/port ]] || die "no server in $DIR (run start first)"
  [[ $1 =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "bad database name: $1"
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$(cat "$DIR/port")" -U actodo "$1" ||
    die "createdb $1 failed"
  uri "$1"
}

usage() { die "usage: $0 start|stop|restart|halt DIR | createdb DIR NAME"; }

[[ $# -ge 2 && -n $2 ]] || usage
DIR=$(realpath -m -- "$2")
[[ $DIR != / ]] || die "DIR must not be /"
case $1:$# in
  start:2) cmd_start ;;  stop:2) cmd_stop ;;  restart:2) cmd_restart ;;
  halt:2) cmd_halt ;;
  createdb:3) cmd_createdb "$3" ;;
  *) usage ;;
esac
