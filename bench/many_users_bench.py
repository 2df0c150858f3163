#!/usr/bin/python3
"""many-users scenario (issue #6): RSS per resident `todo_list`,
passivation and reload cost.

Seeds `--users` users x `--todos` todos straight into a fresh store with
`actodo_seed` (the store's own commit; through HTTP this alone would take
minutes), starts `actodo serve --auth=token`
with a short `--idle-timeout`, then:

1. loads every user once (`GET /api/v1/todos?limit=1` with the user's
   access token, `--threads` keep-alive connections): cold-load latency
   p50/p99/max and loads/s. Bytes per resident `todo_list` with its todos =
   RSS growth (from the RSS once start-up has settled) over the first
   `--sample` users (20,000: they load within the idle timeout, so all of
   them are resident) / resident lists; and the marginal bytes per list,
   the RSS slope from the sample to all users (both resident), which
   leaves out what the first loads warm up once (SQLite's page cache,
   thread arenas);
2. reads them again while resident: warm latency;
3. waits for passivation (`actodo_actors{kind="todo_list"}` back to 0):
   how long it took and the RSS afterwards (what passivation gives back);
4. reloads a sample of `--reload` users: reload latency.

The script signs access tokens itself (HS256 with the key it passes in
ACTODO_JWT_SECRET), exactly as the server issues them.

Usage: bench/many_users_bench.py --server build/release/actodo [--report F]
"""

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from seeded import (access_token, metric, percentile, rss_kib, seed_todos,
                    seeder_path)

SECRET = "many-users-bench-secret-0123456789abcdef"


def token(user):
    return access_token(SECRET, user)


def rows(users, todos):
    stamp = "2026-11-23T12:00:00.000Z"
    for u in range(users):
        for k in range(todos):
            tid = f"t_{u:06d}_{k:02d}"
            doc = {"id": tid, "title": f"todo number {k} of user {u}",
                   "notes": "", "completed": k % 3 == 0,
                   "completed_at": stamp if k % 3 == 0 else None,
                   "priority": ["none", "low", "medium", "high"][k % 4],
                   "tags": ["home"] if k % 2 else ["work", "errand"],
                   "due": None, "order": float(k), "created_at": stamp,
                   "updated_at": stamp, "version": 1}
            yield f"u{u:06d}", tid, -1, doc


def load_all(port, users, threads):
    """GETs every user once over `threads` keep-alive connections; returns
    (latencies in ms, errors, seconds)."""
    lat = []
    errors = []
    lock = threading.Lock()

    def work(part):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for u in part:
            start = time.perf_counter()
            conn.request("GET", "/api/v1/todos?limit=1",
                         headers={"Authorization": "Bearer " + token(u)})
            resp = conn.getresponse()
            body = resp.read()
            mine.append((time.perf_counter() - start) * 1000)
            if resp.status != 200 or b'"items"' not in body:
                with lock:
                    errors.append(resp.status)
        conn.close()
        with lock:
            lat.extend(mine)

    parts = [users[i::threads] for i in range(threads)]
    start = time.perf_counter()
    ts = [threading.Thread(target=work, args=(p,)) for p in parts]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return lat, errors, time.perf_counter() - start


def settled_rss_kib(pid, port):
    """The server's RSS once its start-up is over: it prints its port before
    the store and the worker threads have touched all their memory, so RSS
    read at once varied by several MB between runs. Waits until a
    /healthz has been answered and RSS has not changed for one second
    (at most 15 s)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/healthz")
    conn.getresponse().read()
    conn.close()
    last, stable_since, deadline = rss_kib(pid), time.time(), time.time() + 15
    while time.time() < deadline:
        time.sleep(0.2)
        now = rss_kib(pid)
        if now != last:
            last, stable_since = now, time.time()
        elif time.time() - stable_since >= 1.0:
            break
    return last


def pct(xs):
    return {"p50": round(percentile(xs, 50), 2),
            "p99": round(percentile(xs, 99), 2), "max": round(max(xs), 2)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--users", type=int, default=100_000)
    ap.add_argument("--todos", type=int, default=20)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--reload", type=int, default=10_000)
    ap.add_argument("--sample", type=int, default=20_000,
                    help="users loaded first to measure RSS per list")
    ap.add_argument("--idle-timeout", default="10s")
    ap.add_argument("--report")
    ap.add_argument("--seeder", help="actodo_seed (default: bench/ next to "
                    "--server)")
    args = ap.parse_args()
    seeder = args.seeder or seeder_path(args.server)
    tmp = tempfile.mkdtemp(prefix="actodo-many-")
    data = os.path.join(tmp, "data")
    os.makedirs(data)
    result = {"config": vars(args)}
    proc = None
    try:
        t = time.time()
        seed_todos(seeder, data, rows(args.users, args.todos))
        result["seed_seconds"] = round(time.time() - t, 1)
        env = dict(os.environ, ACTODO_JWT_SECRET=SECRET)
        proc = subprocess.Popen(
            [args.server, "serve", "--port=0", "--admin-port=-1",
             f"--data-dir={data}", "--auth=token", "--rate-limit=0",
             "--ip-rate-limit=0", f"--idle-timeout={args.idle_timeout}"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env=env)
        line = proc.stdout.readline()
        port = int(line.split("127.0.0.1:")[1].split()[0].rstrip(")"))
        users = [f"u{u:06d}" for u in range(args.users)]
        rss0 = settled_rss_kib(proc.pid, port)
        # RSS per resident list from a first slice that loads faster than
        # the idle timeout, so that none of it is passivated yet.
        first = users[:args.sample]
        lat, errors, secs = load_all(port, first, args.threads)
        rss1 = rss_kib(proc.pid)
        resident = metric(port, "actodo_actors", 'kind="todo_list"')
        passivated = metric(port, "actodo_todo_lists_passivated_total")
        more, more_errors, more_secs = load_all(port, users[args.sample:],
                                                args.threads)
        rss2 = rss_kib(proc.pid)
        resident2 = metric(port, "actodo_actors", 'kind="todo_list"')
        passivated2 = metric(port, "actodo_todo_lists_passivated_total")
        lat += more
        errors += more_errors
        secs += more_secs
        result.update({
            "rss_before_kib": rss0, "rss_after_sample_kib": rss1,
            "sample_resident_todo_lists": resident,
            "sample_passivated": passivated,
            "bytes_per_resident_todo_list":
                round((rss1 - rss0) * 1024 / max(resident or 1, 1)),
            "rss_after_all_loads_kib": rss2,
            "resident_todo_lists_after_all_loads": resident2,
            # What one more resident list costs: the slope between the
            # sample and all users, without what the first loads warm up
            # once (SQLite's page cache, thread arenas). Needs --users >
            # --sample and all loads within the idle timeout (none when a
            # list was passivated meanwhile).
            "marginal_bytes_per_resident_todo_list":
                round((rss2 - rss1) * 1024 / (resident2 - resident))
                if resident2 > resident and not passivated2 else None,
            "cold_load_ms": pct(lat), "cold_loads_per_s":
                round(len(lat) / secs), "errors": len(errors)})
        lat, errors, secs = load_all(port, users[:args.reload], args.threads)
        result["warm_read_ms"] = pct(lat)
        result["errors"] += len(errors)
        t = time.time()
        while metric(port, "actodo_actors", 'kind="todo_list"') > 0:
            if time.time() - t > 120:
                break
            time.sleep(0.5)
        result["passivated_after_s"] = round(time.time() - t, 1)
        result["rss_after_passivation_kib"] = rss_kib(proc.pid)
        # The directory returns freed memory a second after passivations.
        time.sleep(2)
        result["rss_2s_after_passivation_kib"] = rss_kib(proc.pid)
        result["passivated_total"] = metric(
            port, "actodo_todo_lists_passivated_total")
        lat, errors, secs = load_all(port, users[:args.reload], args.threads)
        result["reload_ms"] = pct(lat)
        result["reloads_per_s"] = round(len(lat) / secs)
        result["errors"] += len(errors)
        print(json.dumps(result, indent=2))
        if args.report:
            with open(args.report, "w") as f:
                json.dump(result, f, indent=2)
        return 1 if result["errors"] else 0
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
