#!/usr/bin/python3
"""How long a write takes to reach WebSocket sessions on different nodes
(issue #16): sends N async creates of user `local` to one node, one every
`--gap` ms (open loop, keep-alive), and times, per socket, from the send
to the arrival of the todo's event frame. Prints p50/p99 per socket in ms.

    bench/frame_latency.py POST_PORT LABEL=WS_PORT [LABEL=WS_PORT ...]
        [--count=N] [--gap=MS] [--token=JWT]   (token: --auth=token nodes)
"""

import http.client
import json
import statistics
import sys
import threading
import time

import websocket


def percentile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


class Socket(threading.Thread):
    """Records when each todo's event frame arrives."""

    def __init__(self, port, token):
        super().__init__(daemon=True)
        query = f"?access_token={token}" if token else ""
        self.ws = websocket.create_connection(
            f"ws://127.0.0.1:{port}/api/v1/ws{query}", timeout=30)
        welcome = json.loads(self.ws.recv())
        if welcome.get("type") != "welcome":
            raise SystemExit(f"no welcome on port {port}: {welcome}")
        self.arrivals = {}
        self.error = None

    def run(self):
        while True:
            try:
                frame = json.loads(self.ws.recv())
            except Exception as e:  # closed, or a timeout
                self.error = repr(e)
                return
            if frame.get("type") == "event":
                title = frame["event"].get("data", {}).get("title")
                if title is not None:
                    self.arrivals.setdefault(title, time.perf_counter())


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    opts = dict(a[2:].split("=", 1) for a in sys.argv[1:]
                if a.startswith("--"))
    count = int(opts.get("count", 1000))
    gap = float(opts.get("gap", 5)) / 1000
    post_port = int(args[0])
    token = opts.get("token", "")
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    sockets = {}
    for spec in args[1:]:
        label, port = spec.split("=")
        sockets[label] = Socket(int(port), token)
    for s in sockets.values():
        s.start()
    conn = http.client.HTTPConnection("127.0.0.1", post_port, timeout=30)
    sent, acked = {}, []
    run = int(time.time())
    for i in range(count):
        title = f"lat-{run}-{i}"
        body = json.dumps({"title": title})
        start = time.perf_counter()
        sent[title] = start
        conn.request("POST", "/api/v1/todos", body=body, headers=headers)
        resp = conn.getresponse()
        resp.read()
        if resp.status != 202:
            raise SystemExit(f"POST answered {resp.status}")
        acked.append((time.perf_counter() - start) * 1000)
        pause = start + gap - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(
            len(s.arrivals) < count for s in sockets.values()):
        time.sleep(0.1)
    print(f"POST->202: p50 {percentile(acked, 0.5):.2f} ms "
          f"p99 {percentile(acked, 0.99):.2f} ms")
    for label, s in sockets.items():
        lat = [(s.arrivals[t] - sent[t]) * 1000 for t in sent
               if t in s.arrivals]
        missing = count - len(lat)
        if not lat:
            raise SystemExit(f"{label}: no event frame arrived ({s.error})")
        print(f"{label}: POST->event frame p50 {percentile(lat, 0.5):.2f} ms"
              f" p99 {percentile(lat, 0.99):.2f} ms mean "
              f"{statistics.fmean(lat):.2f} ms missing {missing}")


if __name__ == "__main__":
    main()
