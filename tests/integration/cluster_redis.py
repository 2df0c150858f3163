"""Cluster mode while Redis restarts under a steady write load: the nodes
register again by themselves and nothing acknowledged is lost (issue #16)."""

import json
import threading
import websocket
import time
import unittest
import uuid

from cluster_util import ClusterTestCase, call, restart_redis


class Writer(threading.Thread):
    """Creates todos for `user` through `node` until stopped; each command
    has an Idempotency-Key and is retried (503, timeouts) until it is
    acknowledged with 202. Records what was acknowledged and when writes
    failed."""

    def __init__(self, node, user, tag):
        super().__init__(daemon=True)
        self.node, self.user, self.tag = node, user, tag
        self.acked = []          # titles acknowledged with 202
        self.failures = []       # monotonic times of refused attempts
        self.stop_flag = threading.Event()

    def run(self):
        n = 0
        while not self.stop_flag.is_set():
            title = f"{self.tag}-{n}"
            key = str(uuid.uuid4())
            while not self.stop_flag.is_set():
                try:
                    r = call(self.node, "POST", "/api/v1/todos",
                             {"title": title}, self.user,
                             {"Idempotency-Key": key}, timeout=10)
                    if r.status == 202:
                        self.acked.append(title)
                        break
                    self.failures.append(time.monotonic())
                except OSError:
                    self.failures.append(time.monotonic())
                time.sleep(0.1)
            n += 1
            time.sleep(0.02)


class Reader(threading.Thread):
    """Collects the event sequence numbers a socket receives."""

    def __init__(self, ws):
        super().__init__(daemon=True)
        self.ws = ws
        self.seqs = []
        self.closed = None

    def run(self):
        while True:
            try:
                frame = json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                continue  # quiet while the user's node changes
            except Exception as e:  # closed by the test or the server
                self.closed = repr(e)
                return
            if frame.get("type") == "event":
                self.seqs.append(frame["event"]["sequence"])


class RedisRestartTest(ClusterTestCase):
    def events(self, node, user):
        out, after = [], 0
        while True:
            r = call(node, "GET", f"/api/v1/events?after={after}&limit=1000",
                     user=user)
            self.assertEqual(r.status, 200, r.body)
            out.extend(r.body["items"])
            if not r.body["items"]:
                return out
            after = r.body["items"][-1]["sequence"]

    def test_redis_restart_under_load(self):
        nodes = self.cluster.nodes
        by_owner = self.users_by_owner(nodes["node-a"], count=6)
        user = next(iter(by_owner.values()))[0]
        ws = user.ws(nodes["node-b"])
        self.addCleanup(ws.close)
        self.assertEqual(json.loads(ws.recv())["type"], "welcome")
        reader = Reader(ws)
        reader.start()
        writer = Writer(nodes["node-c"], user, "c")
        writer.start()
        time.sleep(1)
        restart_redis()
        # The nodes register again by themselves.
        self.cluster.wait_settled(timeout=30)
        time.sleep(1)
        writer.stop_flag.set()
        writer.join(30)
        r = call(nodes["node-a"], "GET", "/api/v1/todos?limit=500", user=user)
        titles = {t["title"] for t in r.body["items"]}
        self.assertEqual(sorted(set(writer.acked) - titles), [])
        seqs = [e["sequence"] for e in self.events(nodes["node-a"], user)]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(reader.seqs) < len(seqs):
            time.sleep(0.2)
        self.assertEqual(sorted(reader.seqs), seqs)


if __name__ == "__main__":
    unittest.main()
