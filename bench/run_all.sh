#!/bin/sh
# Runs every scenario RUNS times (default 3) against a release build and
# writes one JSON report per run into OUT; bench/summarize.py prints medians.
# usage: [SERVER=path] [ONLY=regex] [QUIET_WAIT=s] \
#        bench/run_all.sh BUILD_DIR OUT_DIR [RUNS]
# ONLY runs the cases whose name matches the (grep -E) regex.
set -u
build=${1:?build dir, e.g. build/release}
out=${2:?output dir}
runs=${3:-3}
bench="$build/bench/actodo_bench"
server="--server=${SERVER:-$build/actodo}"
mkdir -p "$out"
# Waits (up to QUIET_WAIT s, default 45) until the machine is idle for a
# second (< 10 % busy), so other processes disturb the run less; every report
# records how much CPU other processes took anyway.
quiet() {
  waited=0
  while [ "$waited" -lt "${QUIET_WAIT:-45}" ]; do
    a=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)
    sleep 1
    b=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)
    busy=$(echo "$a $b" | awk '{b=$3-$1; i=$4-$2; print int(100*b/(b+i+1))}')
    [ "$busy" -lt 10 ] && return
    waited=$((waited + 1))
  done
  echo "### machine still busy ($busy %), running anyway"
}
run() {
  name=$1
  shift
  if [ -n "${ONLY:-}" ] && ! echo "$name" | grep -Eq "$ONLY"; then
    return
  fi
  i=1
  while [ "$i" -le "$runs" ]; do
    quiet
    echo "### $name run $i: $*"
    "$bench" "$@" "$server" --report="$out/$name-$i.json"
    i=$((i + 1))
  done
}
# The yardstick: GET /healthz (no actor) on 16 connections, the same client;
# summarize.py gives every throughput also as a share of it.
run ceiling ceiling --connections=16 --rate=0 --duration=15s
run async-create-closed async-create --connections=16 --rate=0 --duration=15s
run async-create-open25k async-create --connections=64 --rate=25000 \
  --duration=15s
run async-create-open5k async-create --connections=64 --rate=5000 \
  --duration=15s
run async-create-open2k async-create --connections=64 --rate=2000 \
  --duration=15s
# 1,000 users in token mode (rate limits off), one WebSocket each, requests
# round-robin over them: many lists, many users per journal commit.
run async-create-1000-users async-create --users=1000 --connections=64 \
  --rate=0 --duration=15s
run async-create-closed-normal async-create --connections=16 --rate=0 \
  --duration=15s --sync=normal
# The same without per-message and per-request bookkeeping (issue #8: what
# counting costs).
run async-create-closed-nometrics async-create --connections=16 --rate=0 \
  --duration=15s --server-arg=--no-metrics
run sync-create sync-create --connections=16 --rate=0 --duration=15s
# The same writes with --store=postgresql:// against a PostgreSQL 15 on this
# machine (tests/pg/pg_server.sh; fsync and synchronous_commit on), a fresh
# database per run.
pg_dir=/tmp/actodo-bench-pg-$$
pg_server="$(dirname "$0")/../tests/pg/pg_server.sh"
run_pg() {
  name=$1
  shift
  if [ -n "${ONLY:-}" ] && ! echo "$name" | grep -Eq "$ONLY"; then
    return
  fi
  [ -d "$pg_dir" ] || bash "$pg_server" start "$pg_dir" >/dev/null || return
  i=1
  while [ "$i" -le "$runs" ]; do
    uri=$(bash "$pg_server" createdb "$pg_dir" "bench_${i}_$(date +%s)")
    quiet
    echo "### $name run $i: $*"
    "$bench" "$@" "$server" --server-arg=--store="$uri" \
      --report="$out/$name-$i.json"
    i=$((i + 1))
  done
}
run_pg async-create-postgresql async-create --connections=16 --rate=0 \
  --duration=15s
run_pg async-create-postgresql-c64 async-create --connections=64 --rate=0 \
  --duration=15s
run_pg async-create-postgresql-1000-users async-create --users=1000 \
  --connections=64 --rate=0 --duration=15s
[ -d "$pg_dir" ] && bash "$pg_server" stop "$pg_dir"
run fanout fanout --sessions=100 --connections=1 --rate=0 --duration=15s
run fanout-c4 fanout --sessions=100 --connections=4 --rate=0 --duration=15s
# Eight writers: four closed-loop writers wait on their 202s and leave the
# fan-out short of work (issue #14's 250,000 frames/s line).
run fanout-c8 fanout --sessions=100 --connections=8 --rate=0 --duration=15s
run fanout-open200 fanout --sessions=100 --connections=4 --rate=200 \
  --duration=15s
run idle-sessions idle-sessions --idle=10000
run reads reads --preload=2000 --connections=16 --rate=0 --duration=15s
# One user with 10,000 todos: the indexed path (issue #14's 10,000/s line).
run reads-10k reads --preload=10000 --connections=16 --rate=0 --duration=15s
