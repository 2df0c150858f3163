#!/usr/bin/env bash
# Where the journal's time goes under a write load: starts actodo_bench
# async-create (its own server), finds the journal's thread, and while the
# load runs records
#   - the journal's commit metrics over the window (commits, batches, seconds),
#   - CPU per thread (/proc, the window),
#   - the journal's time split: on a CPU, runnable but waiting for one, and
#     asleep (perf sched timehist),
#   - why it left the CPU (perf record -e sched:sched_switch, by state and
#     kernel path),
#   - its system calls (perf trace -s; tracing slows each call, so counts
#     matter here, not times).
# Needs perf and root (or perf_event_paranoid <= 1). Output: text on stdout.
#
#   bench/journal_profile.sh BUILD_DIR [actodo_bench async-create options]
#   bench/journal_profile.sh build/release --users=16 --connections=64
set -euo pipefail

build=${1:?usage: journal_profile.sh BUILD_DIR [async-create options]}
shift
bench=$build/bench/actodo_bench
server=$build/actodo
window=${WINDOW:-3}
work=$(mktemp -d /tmp/actodo-journal-profile-XXXXXX)
bench_pid=
cleanup() {
  [ -n "$bench_pid" ] && kill "$bench_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The wrapper records the server's pid and address for this script.
cat > "$work/server" <<EOF
#!/usr/bin/env bash
echo \$\$ > "$work/pid"
exec "$server" "\$@" > >(tee "$work/out")
EOF
chmod +x "$work/server"

"$bench" async-create --server="$work/server" --duration=$((3 * window + 10))s \
  "$@" > "$work/bench.txt" 2>&1 &
bench_pid=$!

for _ in $(seq 150); do # the bench allows the server 30 s
  grep -q 'listening on' "$work/out" 2>/dev/null && break
  sleep 0.2
done
if ! grep -q 'listening on' "$work/out" 2>/dev/null; then
  echo "journal_profile.sh: the server did not start:" >&2
  cat "$work/bench.txt" >&2
  exit 1
fi
pid=$(cat "$work/pid")
addr=$(grep -o "127\.0\.0\.1:[0-9]*" "$work/out" | sed -n 1p)
sleep 4 # warm-up (2 s) and a little load

cpu_of() { # tid -> utime + stime in clock ticks (0: the thread ended)
  local f
  if read -r -a f < "/proc/$pid/task/$1/stat" 2>/dev/null; then
    echo $((f[13] + f[14]))
  else
    echo 0
  fi
}
declare -A before
for t in /proc/"$pid"/task/*; do before[${t##*/}]=$(cpu_of "${t##*/}"); done
metrics() {
  curl -s "http://$addr/metrics" | awk '
    /^actodo_journal_commits_total /{c=$2}
    /^actodo_journal_batch_size_sum /{b=$2}
    /^actodo_journal_commit_seconds_sum /{s=$2}
    END {print c, b, s}'
}
sleep 1
declare -A mid
for t in /proc/"$pid"/task/*; do mid[${t##*/}]=$(cpu_of "${t##*/}"); done
threads=$(for t in /proc/"$pid"/task/*; do
  id=${t##*/}
  d=$((${mid[$id]:-0} - ${before[$id]:-0}))
  if [ "$d" -gt 0 ]; then
    printf '%s %s %s\n' "$id" "$(cat "$t/comm")" "$(awk -v d="$d" 'BEGIN {printf "%.2f", d / 100}')"
  fi
done | sort -k3 -n -r)
journal=$({ grep -l '^actodo.journal$' /proc/"$pid"/task/*/comm || true; } | cut -d/ -f5)
if [ -z "$journal" ]; then
  echo "journal_profile.sh: no thread named actodo.journal in $pid" >&2
  exit 1
fi
# A window without perf for the commit metrics, then one with it.
read -r c0 b0 s0 < <(metrics)
t0=$(date +%s.%N)
sleep "$window"
read -r c1 b1 s1 < <(metrics)
t1=$(date +%s.%N)
perf sched record -o "$work/sched.data" -- sleep "$window" > /dev/null 2>&1 &
sched_pid=$!
perf record -e sched:sched_switch -g -t "$journal" -o "$work/switch.data" \
  -- sleep "$window" > /dev/null 2>&1 &
switch_pid=$!
wait "$sched_pid" "$switch_pid" || true
timeout -s INT "$window" perf trace -s -t "$journal" -o "$work/trace.txt" \
  > /dev/null 2>&1 || true
elapsed=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')
wait "$bench_pid" || true
bench_pid=

echo "# actodo_bench async-create $*  (metrics over ${elapsed} s; journal thread $journal)"
echo
echo "## journal commits over the window"
awk -v c0="$c0" -v c1="$c1" -v b0="$b0" -v b1="$b1" -v s0="$s0" -v s1="$s1" \
  -v t="$elapsed" 'BEGIN {
    c = c1 - c0; b = b1 - b0; s = s1 - s0
    if (c <= 0 || t <= 0) {print "no commits in the window"; exit}
    printf "%d commits (%.0f/s), %d commands (%.0f/s), %.1f per commit\n", c, c / t, b, b / t, b / c
    printf "%.2f s in commit of %.1f s (%.0f %%), %.2f ms per commit\n", s, t, 100 * s / t, 1000 * s / c
  }'
echo
echo "## CPU per thread over the first second (cores)"
echo "$threads"
echo
echo "## the journal's time (perf sched timehist, ms)"
perf sched timehist -i "$work/sched.data" 2>/dev/null | awk -v j="[$journal/$pid]" '
  index($3, j) || index($4, j) {w += $(NF-2); d += $(NF-1); r += $NF}
  END {t = w + d + r
       if (t <= 0) {print "the journal is not in the recording"; exit}
       printf "on a CPU %.0f (%.0f %%), runnable waiting for a CPU %.0f (%.0f %%), asleep %.0f (%.0f %%)\n", r, 100*r/t, d, 100*d/t, w, 100*w/t}'
echo
echo "## why the journal left the CPU (share of its context switches)"
perf report -i "$work/switch.data" --stdio --no-children -g none \
  --sort prev_state,next_comm --percent-limit 2 2>/dev/null | grep -v -e '^#' -e '^$' || true
echo
echo "### kernel paths (sleeping: D = in I/O)"
perf report -i "$work/switch.data" --stdio --no-children -G \
  --percent-limit 4 2>/dev/null \
  | grep -E '^ +[0-9.]+%|--[0-9.]+%--|fdatasync|ext4_|io_schedule|pthread|futex' \
  | sed -n 1,40p || true
echo
echo "## the journal's system calls (perf trace -s; times include tracing)"
grep -A12 ' syscall ' "$work/trace.txt" || true
echo
echo "## the load"
grep -E 'achieved|p50|^server|^machine' "$work/bench.txt" || true
