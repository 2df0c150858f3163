#!/usr/bin/env bash
# The issue's read line measured the way the issue measured it: wrk, one
# thread, 64 connections, against one user's 10,000 todos. actodo_bench's
# own client parses every 18 KB page and is the first thing to saturate
# (about one core at 7,000 pages/s), so this uses wrk (Debian: apt-get install
# wrk), which only counts bytes.
#
# usage: [SERVER=path] [PRELOAD=10000] [DURATION=8s] [CONNECTIONS=64] \
#        bench/reads_wrk.sh BUILD_DIR OUT_DIR [ROUNDS]
#
# One server for all rounds (preloaded once through actodo_bench reads
# --keep-data, then restarted on that data directory). Each round runs
# three cases, interleaved: ceiling (GET /healthz), sorted (the issue's
# `limit=50&sort=due,-priority`) and mix (actodo_bench's six queries,
# round-robin, bench/reads_mix.lua). Every wrk output is kept in OUT_DIR;
# the last lines are medians [min..max] and each case's share of the
# ceiling. Exits 1 if any response was not 2xx or wrk saw socket errors.
set -euo pipefail
build=${1:?build dir, e.g. build/release}
out=${2:?output dir}
rounds=${3:-3}
server=${SERVER:-$build/actodo}
connections=${CONNECTIONS:-64}
duration=${DURATION:-8s}
here=$(cd "$(dirname "$0")" && pwd)
command -v wrk > /dev/null || {
  echo "reads_wrk: wrk is missing (apt-get install wrk)" >&2
  exit 2
}
mkdir -p "$out"

kept=$("$build/bench/actodo_bench" reads --server="$server" \
  --preload="${PRELOAD:-10000}" --connections=16 --rate=0 --warmup=0s \
  --duration=1s --keep-data 2>&1 | sed -n 's/^data kept in //p')
[ -d "$kept" ] || {
  echo "reads_wrk: preload failed" >&2
  exit 1
}
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2> /dev/null && wait "$pid" 2> /dev/null
  rm -rf "$(dirname "$kept")"
}
trap cleanup EXIT

fifo=$(dirname "$kept")/stdout
mkfifo "$fifo"
"$server" serve --port=0 --admin-port=0 --max-todos=1000000 \
  --data-dir="$kept" > "$fifo" 2> "$(dirname "$kept")/wrk-server.log" &
pid=$!
exec 3< "$fifo"
read -r -t 30 line <&3
base=$(echo "$line" | sed -n 's|.*listening on \(http://[^ ]*\).*|\1|p')
[ -n "$base" ] || {
  echo "reads_wrk: server did not start: $line" >&2
  exit 1
}
cat <&3 > /dev/null &

sorted="/api/v1/todos?limit=50&sort=due,-priority"
wrk_case() { # name round args...
  local name=$1 round=$2
  shift 2
  wrk -t1 -c"$connections" -d"$duration" --latency "$@" \
    > "$out/$name-$round.txt"
  if grep -Eq "Non-2xx|Socket errors" "$out/$name-$round.txt"; then
    echo "reads_wrk: errors in $name run $round:" >&2
    cat "$out/$name-$round.txt" >&2
    exit 1
  fi
}
wrk -t1 -c"$connections" -d2s "$base$sorted" > /dev/null # warm the sort index
for round in $(seq 1 "$rounds"); do
  wrk_case ceiling "$round" "$base/healthz"
  wrk_case sorted "$round" "$base$sorted"
  wrk_case mix "$round" -s "$here/reads_mix.lua" "$base"
  echo "round $round done"
done

python3 - "$out" "$rounds" << 'EOF'
import re, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def figures(name):
    rates, p99s = [], []
    for r in range(1, rounds + 1):
        text = open(f"{out}/{name}-{r}.txt").read()
        rates.append(float(re.search(r"Requests/sec:\s+([\d.]+)", text)[1]))
        m = re.search(r"99%\s+([\d.]+)(us|ms|s)", text)
        p99s.append(float(m[1]) * {"us": 0.001, "ms": 1, "s": 1000}[m[2]])
    return rates, p99s
ceiling = statistics.median(figures("ceiling")[0])
for name in ("ceiling", "sorted", "mix"):
    rates, p99s = figures(name)
    print(f"{name:8} {statistics.median(rates):9,.0f}/s "
          f"[{min(rates):,.0f}..{max(rates):,.0f}]  "
          f"p99 {statistics.median(p99s):.2f} ms "
          f"[{min(p99s):.2f}..{max(p99s):.2f}]  "
          f"{statistics.median(rates) / ceiling:.3f} of the ceiling")
EOF
