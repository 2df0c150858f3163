#!/usr/bin/env python3
"""Import job throughput (issue #17), one node.

Starts `actodo serve` (SQLite, `sync=full`, a fresh data directory per
run), uploads N todos as JSON, CSV and iCalendar (`POST /api/v1/imports`)
and measures from the upload until `GET /api/v1/jobs/{id}` says `done`:
items applied per second, each one a durable command. As the ceiling of
the same run: the same N items as JSON with an invalid `priority`, so each
one is read, validated and recorded as a per-item error but applies
nothing (the job's pipeline without the commands and their commits).

Usage: bench/import_bench.py BINARY [--items N] [--runs 3]
Prints one JSON line per run and the median [min..max] of each figure.
"""

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import tempfile
import time


def request(port, method, path, body=None, media=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        headers = {"Content-Type": media} if media else {}
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        return r.status, json.loads(data) if data else None
    finally:
        conn.close()


def payloads(n):
    rows = [{"title": f"item {i}", "priority": "low", "tags": ["bench"],
             "due": "2027-01-15"} for i in range(n)]
    csv = "title,priority,tags,due\r\n" + "".join(
        f"item {i},low,bench,2027-01-15\r\n" for i in range(n))
    ics = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n"
           + "".join(f"BEGIN:VTODO\r\nUID:bench-{i}@example.com\r\n"
                     f"SUMMARY:item {i}\r\nPRIORITY:9\r\nCATEGORIES:bench\r\n"
                     f"DUE;VALUE=DATE:20270115\r\nEND:VTODO\r\n"
                     for i in range(n))
           + "END:VCALENDAR\r\n")
    bad = [dict(r, priority="extreme") for r in rows]
    return {"json": (json.dumps(rows), "application/json"),
            "csv": (csv, "text/csv"),
            "ics": (ics, "text/calendar"),
            "rejected": (json.dumps(bad), "application/json")}


def run_job(port, body, media):
    start = time.monotonic()
    status, answer = request(port, "POST", "/api/v1/imports",
                             body.encode(), media)
    assert status == 202, (status, answer)
    job = answer["job_id"]
    while True:
        status, view = request(port, "GET", f"/api/v1/jobs/{job}")
        if view["state"] in ("done", "failed", "cancelled"):
            break
        time.sleep(0.01)
    took = time.monotonic() - start
    assert view["state"] == "done", view
    return took, view


def one_run(binary, n):
    bodies = payloads(n)
    out = {}
    # A server per format: each starts with no todos (the cap is per user).
    for name, (body, media) in bodies.items():
        with tempfile.TemporaryDirectory() as data:
            proc = subprocess.Popen(
                [binary, "serve", "--port=0", f"--data-dir={data}",
                 "--max-todos=200000"],
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            try:
                port = None
                for line in proc.stdout:
                    m = re.search(r"listening on [^ ]*:(\d+)", line)
                    if m:
                        port = int(m.group(1))
                        break
                assert port, "no listening line"
                took, view = run_job(port, body, media)
                want_failed = n if name == "rejected" else 0
                assert (view["done"], view["failed"]) == (n, want_failed), \
                    view
                out[name] = n / took
            finally:
                proc.terminate()
                proc.wait(timeout=30)
    out["ratio_json"] = out["json"] / out["rejected"]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--items", type=int, default=50000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    runs = []
    for _ in range(args.runs):
        r = one_run(os.path.abspath(args.binary), args.items)
        print(json.dumps({k: round(v, 3) for k, v in r.items()}), flush=True)
        runs.append(r)
    for key in runs[0]:
        xs = [r[key] for r in runs]
        print(f"{key}: {statistics.median(xs):,.2f} "
              f"[{min(xs):,.2f}..{max(xs):,.2f}]")


if __name__ == "__main__":
    main()
