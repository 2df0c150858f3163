#!/usr/bin/env bash
# Durable bytes per command: runs create -> complete -> delete cycles (three
# commands each, every create with an Idempotency-Key, Prefer: wait so each
# command is answered once durable) against a fresh `actodo serve`, stops
# it, checkpoints the WAL and prints the bytes of every table and index
# (SQLite's dbstat: pages and payload) and their share per command. Zero
# todos remain at the end, so everything beyond `events` is what a command
# leaves behind besides its event. Todo rows the journal had not yet
# written in place when the server stopped show as `todo_log`.
# usage: bench/storage_bytes.sh ACTODO_BINARY [CYCLES, default 2000]
set -euo pipefail
bin="$1"
cycles="${2:-2000}"
work="$(mktemp -d)"
port=$((20000 + RANDOM % 20000))
"$bin" serve --data-dir "$work/data" --port "$port" --admin-port=-1 \
  >"$work/log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 150); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.2
done
n=$(/usr/bin/python3 "$(dirname "$0")/storage_cycles.py" "$port" "$cycles")
kill "$pid"
wait "$pid" || true
db="$work/data/actodo.db"
sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
echo "commands: $n"
echo "table|pages (B)|payload (B)|pages per command|payload per command"
sqlite3 "$db" "SELECT name, sum(pgsize), sum(payload), sum(pgsize) / $n,
  sum(payload) / $n FROM dbstat GROUP BY name HAVING sum(payload) > 0
  ORDER BY sum(pgsize) DESC;"
echo "file: $(stat -c %s "$db") B"
