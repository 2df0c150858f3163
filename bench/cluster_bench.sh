#!/usr/bin/env bash
# One node vs a three-node cluster on this machine (issue #16), token
# mode: async creates (202 = committed to PostgreSQL) of one user sent to
# its owner and the same sent to another node (forwarded over BASP); 64
# users spread over the three nodes at once (one wrk per node: throughput
# per node and in total) against the same on one node alone; the /healthz
# ceiling. wrk, 1 thread, 16 connections, 10 s per run, 3 runs per case;
# prints each run and the median. Then the latency from a write to its
# event frame on a socket at the owner and on one at another node
# (bench/frame_latency.py), 3 runs.
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
    --store="$pg" "${auth[@]}" "$@" >"$work/$name.log" 2>&1 & pids+=($!)
  for _ in $(seq 100); do port_of "$work/$name.log" >/dev/null && break; sleep 0.1; done
}
secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
# Far above what the runs create for one user (the default 10,000 would
# turn most creates into refusals).
auth=(--auth=token --jwt-secret="$secret" --rate-limit=0 --ip-rate-limit=0
  --max-todos=1000000)
# A wrk script that posts as users FIRST..LAST in turn (tokens signed with
# the nodes' key, as bench/seeded.py does).
post_script() {  # out, first, last
  /usr/bin/python3 - "$secret" "$1" "$2" "$3" <<'PY'
import sys
sys.path.insert(0, "bench")
from seeded import access_token
secret, out, first, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
tokens = ",".join(f'"{access_token(secret, f"bench-u{i:05}")}"'
                  for i in range(first, last + 1))
with open(out, "w") as f:
    f.write(f"""local tokens = {{{tokens}}}
local i = 0
wrk.method = "POST"
wrk.body = '{{"title":"bench"}}'
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = i % #tokens + 1
  wrk.headers["Authorization"] = "Bearer " .. tokens[i]
  return wrk.format()
end
""")
PY
}
post_script "$work/post.lua" 1 1
post_script "$work/spread.lua" 1 64
token=$(/usr/bin/python3 -c "import sys; sys.path.insert(0, 'bench'); from seeded import access_token; print(access_token('$secret', 'bench-u00001'))")
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
  --exec 'user bench-u00001' --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["owner"])')
other=node-a; [ "$owner" = node-a ] && other=node-b
echo "cluster ($mode): user bench-u00001 is owned by $owner; forwarded through $other"
run "healthz ceiling ($owner)" "http://127.0.0.1:$(port_of "$work/$owner.log")/healthz"
run "async-create at the owner" "http://127.0.0.1:$(port_of "$work/$owner.log")/api/v1/todos" "$work/post.lua"
run "async-create forwarded" "http://127.0.0.1:$(port_of "$work/$other.log")/api/v1/todos" "$work/post.lua"
# 64 users through all three nodes at once.
for i in 1 2 3; do
  loads=()
  for n in a b c; do
    wrk -t1 -c16 -d10s -s "$work/spread.lua" \
      "http://127.0.0.1:$(port_of "$work/node-$n.log")/api/v1/todos" \
      >"$work/spread-$n.out" & loads+=($!)
  done
  wait "${loads[@]}"
  total=0
  for n in a b c; do
    rate=$(awk '/Requests\/sec/ {print $2}' "$work/spread-$n.out")
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/spread-$n.out")
    echo "spread run $i node-$n: $rate req/s non-2xx ${non2xx:-0}"
    total=$(awk -v a="$total" -v b="$rate" 'BEGIN {print a + b}')
  done
  echo "spread run $i total: $total req/s"
done
# Frames: a socket at the owner and one at another node, writes sent to
# the owner and then forwarded (1,000 each, one every 5 ms).
for i in 1 2 3; do
  echo "frames run $i, writes at the owner:"
  /usr/bin/python3 bench/frame_latency.py --token="$token" "$(port_of "$work/$owner.log")" \
    "owner=$(port_of "$work/$owner.log")" "other=$(port_of "$work/$other.log")"
  echo "frames run $i, writes forwarded through $other:"
  /usr/bin/python3 bench/frame_latency.py --token="$token" "$(port_of "$work/$other.log")" \
    "owner=$(port_of "$work/$owner.log")" "other=$(port_of "$work/$other.log")"
done
for p in "${pids[@]:1}"; do kill "$p"; done
sleep 3
# One node alone on the same PostgreSQL (a fresh database).
pg_single=$(tests/pg/pg_server.sh createdb "$pgdir" single)
"$B" serve --port=0 --admin-port=-1 --data-dir="$work/single" --store="$pg_single" \
  "${auth[@]}" >"$work/single.log" 2>&1 & pids+=($!)
for _ in $(seq 100); do port_of "$work/single.log" >/dev/null && break; sleep 0.1; done
run "async-create one node" "http://127.0.0.1:$(port_of "$work/single.log")/api/v1/todos" "$work/post.lua"
run "async-create one node, 64 users" "http://127.0.0.1:$(port_of "$work/single.log")/api/v1/todos" "$work/spread.lua"
