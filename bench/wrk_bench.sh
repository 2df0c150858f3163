#!/usr/bin/env bash
# Issue #14's read and write lines measured the way the issue measured them:
# wrk (Debian: apt-get install wrk), one thread, beside a /healthz ceiling
# in the same rounds. actodo_bench's own client parses every response and
# is the first thing to saturate on 18 KB pages (about one core at 7,000
# pages/s); wrk only counts bytes.
#
# usage: [SERVER=path] [SERVER_ARGS="--x=y ..."] [DURATION=8s] [PRELOAD=10000] \
#        bench/wrk_bench.sh reads|writes BUILD_DIR OUT_DIR [ROUNDS]
#
# reads: one server for all rounds, preloaded once with PRELOAD todos of
#   one user (actodo_bench reads --keep-data), then restarted on that data
#   directory. Each round, 64 connections: ceiling (GET /healthz), sorted
#   (the issue's `limit=50&sort=due,-priority`) and mix (actodo_bench's six
#   queries, read from bench/reads_scenario.cpp, round-robin through
#   bench/wrk_reads_mix.lua).
# writes: each round a ceiling at 64 connections, then POST /api/v1/todos
#   (bench/wrk_create.lua; 202 = durable, --sync=full) at 16, 64 and 256
#   connections, each case on a fresh server and data directory.
#
# Every wrk output is kept in OUT_DIR; the last lines are medians
# [min..max] and each case's share of the ceiling. Exits 1 if a response
# was not 2xx or wrk saw socket errors.
set -euo pipefail
mode=${1:?reads or writes}
build=${2:?build dir, e.g. build/release}
out=${3:?output dir}
rounds=${4:-3}
server=${SERVER:-$build/actodo}
# Further server options, split on spaces (e.g. --sqlite-deferred-rows=0).
read -r -a server_args <<< "${SERVER_ARGS:-}"
duration=${DURATION:-8s}
here=$(cd "$(dirname "$0")" && pwd)
command -v wrk > /dev/null || {
  echo "wrk_bench: wrk is missing (apt-get install wrk)" >&2
  exit 2
}
mkdir -p "$out"
work=$(mktemp -d /tmp/actodo-wrk-XXXXXX)
pid=
stop_server() {
  if [ -n "$pid" ]; then
    kill "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
  fi
  pid=
}
trap 'stop_server; rm -rf "$work"' EXIT

# Starts the server on DATA_DIR; sets pid and base (http://host:port).
start_server() {
  local data=$1 fifo=$work/stdout line
  rm -f "$fifo"
  mkfifo "$fifo"
  "$server" serve --port=0 --admin-port=0 --max-todos=1000000 \
    --data-dir="$data" "${server_args[@]}" > "$fifo" 2>> "$work/server.log" &
  pid=$!
  exec 3< "$fifo"
  read -r -t 30 line <&3 || true
  base=$(echo "$line" | sed -n 's|.*listening on \(http://[^ ]*\).*|\1|p')
  [ -n "$base" ] || {
    echo "wrk_bench: server did not start: $line" >&2
    exit 1
  }
  cat <&3 > /dev/null &
  exec 3<&-
}

# wrk_case NAME ROUND CONNECTIONS wrk-args...
wrk_case() {
  local name=$1 round=$2 connections=$3
  shift 3
  wrk -t1 -c"$connections" -d"$duration" --latency "$@" \
    > "$out/$name-$round.txt"
  if grep -Eq "Non-2xx|Socket errors" "$out/$name-$round.txt"; then
    echo "wrk_bench: errors in $name run $round:" >&2
    cat "$out/$name-$round.txt" >&2
    exit 1
  fi
}

case $mode in
reads)
  cases="ceiling sorted mix"
  kept=$("$build/bench/actodo_bench" reads --server="$server" \
    --preload="${PRELOAD:-10000}" --connections=16 --rate=0 --warmup=0s \
    --duration=1s --keep-data 2>&1 | sed -n 's/^data kept in //p')
  [ -d "$kept" ] || {
    echo "wrk_bench: preload failed" >&2
    exit 1
  }
  mv "$kept" "$work/data"
  rm -rf "$(dirname "$kept")"
  start_server "$work/data"
  sorted="/api/v1/todos?limit=50&sort=due,-priority"
  # The one list of the mix is actodo_bench's.
  mapfile -t mix < <(sed -n '/queries{/,/};/p' "$here/reads_scenario.cpp" |
    sed -n 's/^ *"\(\/api[^"]*\)",*$/\1/p')
  [ "${#mix[@]}" -gt 0 ] || {
    echo "wrk_bench: no queries found in reads_scenario.cpp" >&2
    exit 1
  }
  wrk -t1 -c64 -d2s "$base$sorted" > /dev/null # warm the sort index
  for round in $(seq 1 "$rounds"); do
    wrk_case ceiling "$round" 64 "$base/healthz"
    wrk_case sorted "$round" 64 "$base$sorted"
    wrk_case mix "$round" 64 -s "$here/wrk_reads_mix.lua" "$base" \
      -- "${mix[@]}"
    echo "round $round done"
  done
  ;;
writes)
  cases="ceiling create-c16 create-c64 create-c256"
  for round in $(seq 1 "$rounds"); do
    for c in ceiling 16 64 256; do
      rm -rf "$work/data"
      start_server "$work/data"
      if [ "$c" = ceiling ]; then
        wrk_case ceiling "$round" 64 "$base/healthz"
      else
        # 2 s of warm-up on the same server, not recorded.
        wrk -t1 -c"$c" -d2s -s "$here/wrk_create.lua" \
          "$base/api/v1/todos" > /dev/null
        wrk_case "create-c$c" "$round" "$c" -s "$here/wrk_create.lua" \
          "$base/api/v1/todos"
      fi
      stop_server
    done
    echo "round $round done"
  done
  ;;
*)
  echo "wrk_bench: mode is reads or writes" >&2
  exit 2
  ;;
esac

python3 - "$out" "$rounds" $cases << 'EOF'
import re, statistics, sys
out, rounds, cases = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def figures(name):
    rates, p99s = [], []
    for r in range(1, rounds + 1):
        text = open(f"{out}/{name}-{r}.txt").read()
        rates.append(float(re.search(r"Requests/sec:\s+([\d.]+)", text)[1]))
        m = re.search(r"99%\s+([\d.]+)(us|ms|s)", text)
        p99s.append(float(m[1]) * {"us": 0.001, "ms": 1, "s": 1000}[m[2]])
    return rates, p99s
ceiling = statistics.median(figures("ceiling")[0])
for name in cases:
    rates, p99s = figures(name)
    print(f"{name:12} {statistics.median(rates):9,.0f}/s "
          f"[{min(rates):,.0f}..{max(rates):,.0f}]  "
          f"p99 {statistics.median(p99s):.2f} ms "
          f"[{min(p99s):.2f}..{max(p99s):.2f}]  "
          f"{statistics.median(rates) / ceiling:.3f} of the ceiling")
EOF
