#!/usr/bin/env bash
# One node vs a three-node cluster on this machine (issue #16): async
# creates (202 = committed to PostgreSQL) of one user sent to its owner,
# and the same sent to another node (forwarded over BASP), plus the
# /healthz ceiling of one node. wrk, 1 thread, 16 connections, 10 s per
# run, 3 runs per case; prints each run and the median.
#   bench/cluster_bench.sh [tls|insecure]      (default: tls)
# Starts and stops its own Redis, PostgreSQL, broker and nodes (by PID).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-tls}
B=${ACTODO_BIN:-build/release/actodo}
work=$(mktemp -d /tmp/actodo-cluster-bench-XXXX)
# pg_server.sh runs PostgreSQL as its own user: a directory it can enter.
pgdir=$(mktemp -u /tmp/actodo-cluster-bench-pg-XXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  tests/redis/redis_server.sh stop "$work/redis" >/dev/null 2>&1 || true
  tests/pg/pg_server.sh stop "$pgdir" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
redis=$(tests/redis/redis_server.sh start "$work/redis")
pg=$(tests/pg/pg_server.sh start "$pgdir")
"$B" broker --partitions=6 >"$work/broker.log" 2>&1 & pids+=($!)
for _ in $(seq 50); do grep -q 'broker on' "$work/broker.log" && break; sleep 0.1; done
kafka=$(grep -o '127.0.0.1:[0-9]*' "$work/broker.log" | head -1)
tls=(--cluster.insecure)
if [ "$mode" = tls ]; then
  "$B" cluster certs --out="$work/certs" >/dev/null
  tls=(--cluster.tls-dir="$work/certs")
fi
port_of() { grep -o 'http://127.0.0.1:[0-9]*' "$1" | grep -o '[0-9]*$'; }
start_node() {  # name, extra args...
  local name=$1; shift
  "$B" serve --port=0 --admin-port=0 --admin-insecure --data-dir="$work/$name" \
    --store="$pg" "$@" >"$work/$name.log" 2>&1 & pids+=($!)
  for _ in $(seq 100); do port_of "$work/$name.log" >/dev/null && break; sleep 0.1; done
}
cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"title":"bench"}'
wrk.headers["Content-Type"] = "application/json"
LUA
run() {  # label, url, [script]
  local label=$1 url=$2 script=${3:-} rates=()
  for i in 1 2 3; do
    local out
    out=$(wrk -t1 -c16 -d10s ${script:+-s "$script"} --latency "$url")
    local rate p50 p99
    rate=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    echo "$label run $i: $rate req/s p50 $p50 p99 $p99 non-2xx ${non2xx:-0}"
    rates+=("$rate")
  done
  printf '%s median: %s req/s\n' "$label" \
    "$(printf '%s\n' "${rates[@]}" | sort -n | sed -n 2p)"
}
# Three nodes.
for n in a b c; do
  start_node "node-$n" --kafka.brokers="$kafka" --cluster.redis="$redis" \
    --cluster.node-id="node-$n" --cluster.port=0 "${tls[@]}"
done
sleep 8
admin=$(grep -o 'console endpoint on 127.0.0.1:[0-9]*' "$work/node-a.log" | grep -o '[0-9]*$')
owner=$("$B" console "127.0.0.1:$admin" --admin-insecure --data-dir="$work/node-a" \
  --exec 'user local' --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["owner"])')
other=node-a; [ "$owner" = node-a ] && other=node-b
echo "cluster ($mode): user 'local' is owned by $owner; forwarded through $other"
run "healthz ceiling ($owner)" "http://127.0.0.1:$(port_of "$work/$owner.log")/healthz"
run "async-create at the owner" "http://127.0.0.1:$(port_of "$work/$owner.log")/api/v1/todos" "$work/post.lua"
run "async-create forwarded" "http://127.0.0.1:$(port_of "$work/$other.log")/api/v1/todos" "$work/post.lua"
for p in "${pids[@]:1}"; do kill "$p"; done
sleep 3
# One node alone on the same PostgreSQL (a fresh database).
pg_single=$(tests/pg/pg_server.sh createdb "$pgdir" single)
"$B" serve --port=0 --admin-port=-1 --data-dir="$work/single" --store="$pg_single" \
  >"$work/single.log" 2>&1 & pids+=($!)
for _ in $(seq 100); do port_of "$work/single.log" >/dev/null && break; sleep 0.1; done
run "async-create one node" "http://127.0.0.1:$(port_of "$work/single.log")/api/v1/todos" "$work/post.lua"
