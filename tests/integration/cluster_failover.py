"""Cluster mode under failure (issue #16): the owner of a user killed with
SIGKILL under a steady write load through the other nodes, and Redis
restarted under load. Nothing acknowledged is lost, sequences stay
gap-free, a socket on a surviving node sees every event exactly once, and
the nodes recover by themselves."""

import json
import time
import unittest

from cluster_util import (ClusterTestCase, Reader, SESSION_TIMEOUT, Writer,
                          call, restart_redis, retried)


class FailoverTest(ClusterTestCase):
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

    def test_owner_killed_under_load_loses_nothing(self):
        nodes = self.cluster.nodes
        by_owner = self.users_by_owner(nodes["node-a"])
        self.assertIn("node-c", by_owner, by_owner.keys())
        user = by_owner["node-c"][0]
        ws = user.ws(nodes["node-a"])
        self.addCleanup(ws.close)
        self.assertEqual(json.loads(ws.recv())["type"], "welcome")
        reader = Reader(ws)
        reader.start()
        writers = [Writer(nodes["node-a"], user, "a"),
                   Writer(nodes["node-b"], user, "b")]
        for w in writers:
            w.start()
        time.sleep(2)
        killed_at = time.monotonic()
        nodes["node-c"].kill9()
        # Writes through both survivors succeed again (how soon is a
        # benchmark figure, docs/cluster.md: here only that they do).
        deadline = killed_at + SESSION_TIMEOUT + 60
        while time.monotonic() < deadline and not all(
                sum(t > killed_at + SESSION_TIMEOUT for t in w.acked_at) >= 5
                for w in writers):
            time.sleep(0.2)
        for w in writers:
            w.stop_flag.set()
        for w in writers:
            w.join(30)
        acked = [t for w in writers for t in w.acked]
        for w in writers:
            after = [t - killed_at for t in w.acked_at if t > killed_at]
            self.assertGreaterEqual(len(after), 5, (w.tag, self.cluster.logs()))
        # Every acknowledged write is there, once.
        r = retried(lambda: call(nodes["node-a"], "GET",
                                 "/api/v1/todos?limit=500", user=user))
        self.assertEqual(r.status, 200, r.body)
        titles = [t["title"] for t in r.body["items"]]
        self.assertEqual(sorted(set(acked) - set(titles)), [])
        self.assertEqual(len(titles), len(set(titles)))
        # The user's sequence is gap-free.
        seqs = [e["sequence"] for e in self.events(nodes["node-b"], user)]
        self.assertEqual(seqs, list(range(1, len(seqs) + 1)))
        # The socket on a surviving node saw every event exactly once.
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and len(reader.seqs) < len(seqs):
            time.sleep(0.2)
        self.assertIsNone(reader.closed, self.cluster.logs())
        self.assertEqual(sorted(reader.seqs), seqs, self.cluster.logs())
        self.assertEqual(len(reader.seqs), len(set(reader.seqs)))

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
