#!/usr/bin/env python3
"""Server memory under the memory attacks of issue #12, read from /proc.

Runs each attack `--runs` times against a fresh `actodo serve` and prints
the median (min..max) of the server's RSS growth:

- chunk-ext: one connection sends `Transfer-Encoding: chunked`, `1;x=` and
  then up to 64 MiB of extension bytes (stops when the server answers).
- slow-readers: four WebSockets of the user never read while 1,200 creates
  with ~11 KB results and events are fanned out to them; RSS at the peak and
  1 s after the four sockets were closed. The same creates without sockets
  are the control: what the 1,200 todos themselves hold.

    bench/hostile_memory.py --server=build/release/actodo
"""

import argparse
import http.client
import json
import os
import re
import select
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time

LISTEN_RE = re.compile(rb"listening on http://127\.0\.0\.1:(\d+)")
MIB = 1024 * 1024


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class Server:
    def __init__(self, binary):
        self.data = tempfile.mkdtemp(prefix="actodo-hostile-")
        self.proc = subprocess.Popen(
            [binary, "serve", "--port=0", "--admin-port=-1",
             f"--data-dir={self.data}"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("server did not start")
            m = LISTEN_RE.search(line)
            if m:
                self.port = int(m.group(1))
                break
        time.sleep(0.3)

    def rss(self):
        return rss_kib(self.proc.pid)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.data, ignore_errors=True)


def chunk_ext(binary):
    srv = Server(binary)
    try:
        before = srv.rss()
        sock = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
        sock.sendall((f"POST /api/v1/todos HTTP/1.1\r\nHost: 127.0.0.1:"
                      f"{srv.port}\r\nContent-Type: application/json\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n1;x=").encode())
        chunk = b"a" * 65536
        sent = 0
        while sent < 64 * MIB:
            if select.select([sock], [], [], 0)[0]:
                break
            try:
                sock.sendall(chunk)
            except OSError:
                break
            sent += len(chunk)
        time.sleep(0.3)
        grown = srv.rss() - before
        sock.close()
        return {"rss_growth_kib": grown, "sent_mib": sent / MIB}
    finally:
        srv.stop()


def lazy_socket(port):
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    sock.sendall((f"GET /api/v1/ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                  "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    return sock


def slow_readers(binary, readers=4):
    srv = Server(binary)
    try:
        before = srv.rss()
        lazy = [lazy_socket(srv.port) for _ in range(readers)]
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
        body = json.dumps({"title": "big", "notes": "n" * 10000,
                           "tags": [f"t{k}-{'x' * 40}" for k in range(20)]})
        peak = before
        for i in range(1200):
            conn.request("POST", "/api/v1/todos", body,
                         {"Content-Type": "application/json"})
            conn.getresponse().read()
            if i % 100 == 0:
                peak = max(peak, srv.rss())
        conn.close()
        time.sleep(1)
        peak = max(peak, srv.rss())
        for s in lazy:
            s.close()
        time.sleep(1)
        return {"peak_growth_kib": peak - before,
                "after_close_growth_kib": srv.rss() - before}
    finally:
        srv.stop()


def summary(values):
    return (f"{statistics.median(values):.0f} "
            f"({min(values):.0f}..{max(values):.0f})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", default="build/release/actodo")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    runs = [chunk_ext(args.server) for _ in range(args.runs)]
    print("chunk-ext: RSS growth KiB", summary([r["rss_growth_kib"]
                                               for r in runs]),
          "; MiB sent before the answer", summary([r["sent_mib"]
                                                   for r in runs]))
    runs = [slow_readers(args.server) for _ in range(args.runs)]
    print("slow-readers: peak RSS growth KiB",
          summary([r["peak_growth_kib"] for r in runs]),
          "; 1 s after close", summary([r["after_close_growth_kib"]
                                        for r in runs]))
    runs = [slow_readers(args.server, 0) for _ in range(args.runs)]
    print("control (no sockets): RSS growth KiB",
          summary([r["after_close_growth_kib"] for r in runs]))


if __name__ == "__main__":
    main()
