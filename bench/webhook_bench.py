#!/usr/bin/env python3
"""Webhook delivery throughput (issue #17), one node.

Starts `actodo serve` (SQLite, --webhooks.allow-private) and a receiver on
127.0.0.1 that answers 200 at once, registers W paused webhooks for all
events, creates N todos, then enables the webhooks and measures how long
the backlog of N x W deliveries takes to drain (deliveries per second,
each an HTTP POST on a fresh connection, signed, its attempt and cursor
stored). For reference, in the same run: W Python clients posting the same
bodies to the same receiver on fresh connections for 3 s. That is no
ceiling (Python's client is slower than the server's), only a yardstick of
how busy the machine was; the receiver itself (Python, a thread per
connection) is the likely bound.

Usage: bench/webhook_bench.py BINARY [--todos N] [--webhooks W] [--runs 3]
Prints one JSON line per run and the median [min..max].
"""

import argparse
import http.client
import http.server
import json
import os
import re
import socketserver
import statistics
import subprocess
import tempfile
import threading
import time


class Receiver:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                self.rfile.read(n)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                with outer.lock:
                    outer.count += 1

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            request_queue_size = 1024

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def post(port, path, body, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        conn.request("POST", path, json.dumps(body), h)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def ceiling(port, clients, body, seconds=3.0):
    counts = [0] * clients
    end = time.monotonic() + seconds

    def loop(i):
        while time.monotonic() < end:
            post(port, "/hook", body)
            counts[i] += 1

    threads = [threading.Thread(target=loop, args=(i,))
               for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / seconds


def run(binary, todos, webhooks):
    tmp = tempfile.mkdtemp(prefix="actodo-whbench-")
    rec = Receiver()
    proc = subprocess.Popen(
        [binary, "serve", "--port=0", "--admin-port=-1",
         f"--data-dir={tmp}", "--webhooks.allow-private",
         f"--webhooks.max-per-user={max(20, webhooks)}"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        port = None
        for line in proc.stdout:
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
            if m:
                port = int(m.group(1))
                break
        ids = []
        for i in range(webhooks):
            status, body = post(port, "/api/v1/webhooks",
                                {"url": f"http://127.0.0.1:{rec.port}/hook",
                                 "events": ["todo.*"], "enabled": False})
            assert status == 201, body
            ids.append(json.loads(body)["id"])
        for i in range(todos):
            status, body = post(port, "/api/v1/todos", {"title": f"t{i}"},
                                {"Prefer": "wait=10"})
            assert status == 201, body
        sample = json.loads(body)
        start = time.monotonic()
        for hook in ids:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("PATCH", f"/api/v1/webhooks/{hook}",
                         json.dumps({"enabled": True}),
                         {"Content-Type": "application/json"})
            r = conn.getresponse()
            assert r.status == 200, r.read()
            conn.close()
        want = todos * webhooks
        deadline = time.monotonic() + 600
        while rec.count < want and time.monotonic() < deadline:
            time.sleep(0.01)
        took = time.monotonic() - start
        delivered = rec.count
        assert delivered >= want, (delivered, want)
        ceil = ceiling(rec.port, webhooks, sample)
        return {"todos": todos, "webhooks": webhooks,
                "deliveries": delivered, "seconds": round(took, 2),
                "deliveries_per_s": round(delivered / took),
                "python_clients_per_s": round(ceil)}
    finally:
        proc.terminate()
        proc.wait(10)
        rec.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--todos", type=int, default=2000)
    ap.add_argument("--webhooks", type=int, default=4)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    results = []
    for _ in range(a.runs):
        r = run(os.path.abspath(a.binary), a.todos, a.webhooks)
        print(json.dumps(r), flush=True)
        results.append(r)
    for key in ("deliveries_per_s", "python_clients_per_s"):
        xs = [r[key] for r in results]
        print(f"{key}: median {statistics.median(xs)} "
              f"[{min(xs)}..{max(xs)}]")


if __name__ == "__main__":
    main()
