#!/usr/bin/env python3
"""Memory per WebSocket session with and without permessage-deflate.

Starts `actodo serve --ws-echo [--ws-deflate]` on 127.0.0.1, opens N echo
sessions (raw sockets; with deflate each offers `permessage-deflate` and
sends one compressed message, so the server holds both an inflate and a
deflate stream per session), and reads the server's RSS before and after
from /proc. Prints the median of `--runs` runs with min..max.

    bench/ws_deflate_memory.py --server=build/release/actodo --sessions=500
"""

import argparse
import base64
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import zlib

LISTEN_RE = re.compile(rb"listening on http://127\.0\.0\.1:(\d+)")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def start(server, deflate):
    data = tempfile.mkdtemp(prefix="actodo-deflate-")
    args = [server, "serve", "--port=0", "--admin-port=-1", "--ws-echo",
            f"--data-dir={data}"]
    if deflate:
        args.append("--ws-deflate")
    proc = subprocess.Popen(args, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        m = LISTEN_RE.search(proc.stdout.readline())
        if m:
            return proc, int(m.group(1)), data
    proc.kill()
    raise RuntimeError("server did not start")


def masked_frame(payload, rsv1):
    mask = os.urandom(4)
    head = bytes([0x81 | (0x40 if rsv1 else 0)])
    n = len(payload)
    if n < 126:
        head += bytes([0x80 | n])
    else:
        head += bytes([0x80 | 126]) + n.to_bytes(2, "big")
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + mask + body


def open_session(port, deflate):
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    ext = ("Sec-WebSocket-Extensions: permessage-deflate; "
           "client_max_window_bits\r\n") if deflate else ""
    sock.sendall((f"GET /diag/ws-echo HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                  "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                  f"{ext}\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(4096)
    if not head.startswith(b"HTTP/1.1 101"):
        raise RuntimeError(head)
    negotiated = b"permessage-deflate" in head.lower()
    if deflate and not negotiated:
        raise RuntimeError("permessage-deflate was not negotiated")
    text = b'{"type":"command","op":"create","body":{"title":"x"}}' * 20
    if negotiated:
        c = zlib.compressobj(wbits=-15)
        payload = c.compress(text) + c.flush(zlib.Z_SYNC_FLUSH)
        payload = payload[:-4]  # RFC 7692 7.2.1: drop 00 00 ff ff
    else:
        payload = text
    sock.sendall(masked_frame(payload, negotiated))
    sock.recv(65536)  # The echo: the server used its deflate stream too.
    return sock


def one_run(server, sessions, deflate):
    proc, port, data = start(server, deflate)
    try:
        time.sleep(0.5)
        before = rss_kib(proc.pid)
        socks = [open_session(port, deflate) for _ in range(sessions)]
        time.sleep(0.5)
        after = rss_kib(proc.pid)
        for s in socks:
            s.close()
        return (after - before) / sessions
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
        shutil.rmtree(data, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", default="build/release/actodo")
    ap.add_argument("--sessions", type=int, default=500)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    for deflate in (False, True):
        per = [one_run(args.server, args.sessions, deflate)
               for _ in range(args.runs)]
        print(f"deflate={'on ' if deflate else 'off'} sessions={args.sessions}"
              f" KiB/session median {statistics.median(per):.1f}"
              f" (min {min(per):.1f} .. max {max(per):.1f})")


if __name__ == "__main__":
    main()
