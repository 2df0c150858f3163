#!/usr/bin/python3
"""Reminder scheduler benchmark (issue #4).

Seeds a data directory (with `actodo_seed`, the store's own commit) with
`--pending` todos that each have a pending
reminder (spread over `--users` users), of which `--burst` fall due within
the same second, `--lead` seconds after the server starts; the rest are due
a day later. Then starts `actodo serve` on it and reports:

- start-up: exec -> "listening" line, and exec -> the scheduler's first page
  loaded (`actodo_reminders_pending` equals the seeded count);
- server RSS after start-up and after the burst;
- lateness of the burst: for the `--sockets` users with an open WebSocket,
  reminder instant -> `reminder` frame received (durable: frames go out after
  the commit); for every burst reminder, instant -> `todo.reminder.due`
  event time (applied, before the commit), read back via /api/v1/events.

Usage: bench/reminders_bench.py --server build/release/actodo [--report F]
"""

import argparse
import json
import os
import random
import select
import shutil
import subprocess
import sys
import tempfile
import time

import websocket

from seeded import (access_token, metric, metrics, percentile, rss_kib,
                    seed_todos, seeder_path)

def rfc3339(ms):
    t = time.gmtime(ms // 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", t) + f".{ms % 1000:03d}Z"


def rows(users, pending, burst, burst_ms):
    later = burst_ms + 86400_000
    now = rfc3339(burst_ms - 60_000)
    per_user = pending // users
    rng = random.Random(7)
    for u in range(users):
        for k in range(per_user):
            # The first todo of the first `burst` users is due in the burst.
            at = burst_ms + rng.randrange(1000) if (k == 0 and u < burst) \
                else later + rng.randrange(3600_000)
            tid = f"t_{u:05d}_{k:04d}"
            doc = {"id": tid, "title": f"todo {k}", "completed": False,
                   "created_at": now, "updated_at": now, "version": 1,
                   "reminders": [{"at": rfc3339(at), "misfire": "fire_once",
                                  "state": "pending"}]}
            yield f"u{u:05d}", tid, at, doc


SECRET = "reminders-bench-secret-0123456789abcdef"


def histogram(port, name):
    """Cumulative (upper bound, count) pairs of a histogram."""
    return [(line.split('"')[1], int(float(line.split()[-1])))
            for line in metrics(port) if line.startswith(name + "_bucket{le=")]


def journal_totals(port):
    """(commits, seconds in commits, commands committed) so far."""
    return (metric(port, "actodo_journal_commit_seconds_count") or 0,
            metric(port, "actodo_journal_commit_seconds_sum") or 0,
            metric(port, "actodo_journal_batch_size_sum") or 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--users", type=int, default=10_000)
    ap.add_argument("--pending", type=int, default=1_000_000)
    ap.add_argument("--burst", type=int, default=10_000)
    ap.add_argument("--sockets", type=int, default=1000)
    ap.add_argument("--lead", type=float, default=40.0)
    ap.add_argument("--report")
    ap.add_argument("--server-arg", action="append", default=[],
                    help="one more argument for `actodo serve` (repeatable)")
    ap.add_argument("--seeder", help="actodo_seed (default: bench/ next to "
                    "--server)")
    args = ap.parse_args()
    seeder = args.seeder or seeder_path(args.server)
    tmp = tempfile.mkdtemp(prefix="actodo-remind-")
    data = os.path.join(tmp, "data")
    os.makedirs(data)
    result = {"config": vars(args)}
    try:
        # The burst instant is fixed before seeding; the lead absorbs seeding
        # (about a minute for 1,000,000 rows) and start-up.
        seed_start = time.time()
        burst_ms = int((seed_start + args.lead + 60) * 1000)
        # for a profiler run alongside (perf record -p PID around it)
        print(f"reminders_bench: burst at {burst_ms} ms since the epoch",
              file=sys.stderr, flush=True)
        seed_todos(seeder, data,
                   rows(args.users, args.pending, args.burst, burst_ms))
        result["seed_seconds"] = round(time.time() - seed_start, 1)
        result["db_bytes"] = sum(os.path.getsize(os.path.join(data, f))
                                 for f in os.listdir(data))
        t0 = time.time()
        env = dict(os.environ, ACTODO_JWT_SECRET=SECRET)
        proc = subprocess.Popen(
            [args.server, "serve", "--port=0", "--admin-port=-1",
             f"--data-dir={data}", "--auth=token", "--rate-limit=0",
             "--ip-rate-limit=0", *args.server_arg],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env=env)
        print(f"reminders_bench: server pid {proc.pid}", file=sys.stderr,
              flush=True)
        line = proc.stdout.readline()
        result["startup_listening_ms"] = round((time.time() - t0) * 1000, 1)
        port = int(line.split("127.0.0.1:")[1].split()[0].rstrip(")"))
        while metric(port, "actodo_reminders_pending") != args.pending:
            time.sleep(0.01)
        result["startup_index_ms"] = round((time.time() - t0) * 1000, 1)
        result["rss_after_start_kib"] = rss_kib(proc.pid)
        socks = []
        for u in range(args.sockets):
            ws = websocket.create_connection(
                f"ws://127.0.0.1:{port}/api/v1/ws?access_token="
                + access_token(SECRET, f"u{u:05d}"), timeout=10)
            ws.recv()  # welcome
            socks.append(ws)
        if time.time() * 1000 > burst_ms:
            raise SystemExit("seeding and start-up took longer than the lead")
        journal_before = journal_totals(port)
        lateness = []
        deadline = burst_ms / 1000 + 60
        by_fd = {ws.sock.fileno(): ws for ws in socks}
        while time.time() < deadline and len(lateness) < args.burst:
            ready, _, _ = select.select(list(by_fd), [], [], 0.5)
            now = time.time() * 1000
            for fd in ready:
                frame = json.loads(by_fd[fd].recv())
                if frame.get("type") == "reminder":
                    sched = frame["scheduled"]
                    ms = time.mktime(time.strptime(sched[:19],
                                                   "%Y-%m-%dT%H:%M:%S"))
                    ms = (ms - time.timezone) * 1000 + int(sched[20:23])
                    lateness.append(now - ms)
            if not ready and time.time() * 1000 > burst_ms + 5000:
                break
        result["rss_after_burst_kib"] = rss_kib(proc.pid)
        result["socket_frames"] = len(lateness)
        if lateness:
            result["socket_lateness_ms"] = {
                "p50": round(percentile(lateness, 50), 1),
                "p99": round(percentile(lateness, 99), 1),
                "max": round(max(lateness), 1)}
        deadline = time.time() + 60
        while (metric(port, "actodo_reminders_fired_total") < args.burst
               and time.time() < deadline):
            time.sleep(0.1)
        result["fired_total"] = metric(port, "actodo_reminders_fired_total")
        result["burst_done_after_instant_ms"] = round(
            time.time() * 1000 - burst_ms - 1000, 1)
        result["lateness_histogram_all"] = histogram(
            port, "actodo_reminder_lateness_seconds")
        # The journal's share: commits from the sockets' set-up to the end
        # of the burst (the wakes, and whatever else committed meanwhile).
        after = journal_totals(port)
        commits, seconds, commands = (a - b for a, b in
                                      zip(after, journal_before))
        result["journal_during_burst"] = {
            "commits": int(commits), "commit_seconds": round(seconds, 3),
            "commands": int(commands),
            "us_per_command": round(seconds * 1e6 / max(commands, 1), 1)}
        proc.terminate()
        proc.wait(30)
        print(json.dumps(result, indent=2))
        if args.report:
            with open(args.report, "w") as f:
                json.dump(result, f, indent=2)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
