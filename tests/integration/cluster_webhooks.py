"""Webhooks in cluster mode (issues #16, #17): the owner of a user's
partition delivers its webhooks, whichever node they were registered or
replayed through; when the owner dies the new owner resumes at the stored
cursor."""

import time
import unittest

from cluster_util import ClusterTestCase, call
from test_webhooks import Receiver, verify


class WebhookClusterTest(ClusterTestCase):
    start_nodes = 2
    extra_args = ("--webhooks.allow-private", "--webhooks.retry-initial=200ms",
                  "--webhooks.retry-max=1s")

    def create(self, node, user, title, timeout=60):
        """A synchronous create as a client would make it: again after a
        503 (no owner right now) or a timeout, with the same key."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                r = call(node, "POST", "/api/v1/todos", {"title": title},
                         user=user, headers={"Prefer": "wait=10",
                                             "Idempotency-Key": title})
                if r.status in (200, 201):
                    return r.body
                self.assertIn(r.status, (503, 504), r.body)
            except TimeoutError:
                pass
            self.assertLess(time.monotonic(), deadline, self.cluster.logs())
            time.sleep(0.5)

    def wait_for(self, what, predicate, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        self.fail(f"timed out waiting for {what}\n{self.cluster.logs()}")

    def test_owner_delivers_replays_and_fails_over(self):
        a, b = self.cluster.nodes["node-a"], self.cluster.nodes["node-b"]
        by_owner = self.users_by_owner(a, count=10)
        self.assertIn("node-b", by_owner, by_owner.keys())
        user = by_owner["node-b"][0]
        rec = Receiver()
        self.addCleanup(rec.close)
        # Registered through the node that does not own the user.
        r = call(a, "POST", "/api/v1/webhooks",
                 {"url": rec.url, "events": ["todo.*"]}, user=user)
        self.assertEqual(r.status, 201, r.body)
        hook = r.body
        for i in range(5):
            self.create(a, user, f"before-{i}")
        self.wait_for("five deliveries", lambda: len(rec.posts) >= 5)
        time.sleep(1)
        # One node delivers: each event once, in order.
        self.assertEqual(rec.sequences(), [1, 2, 3, 4, 5])
        for hdrs, raw, _ in rec.posts:
            verify(hook["secret"], hdrs, raw)
        # A replay through the other node reaches the owner's deliverer.
        r = call(a, "POST", f"/api/v1/webhooks/{hook['id']}/replay",
                 {"from_sequence": 4}, user=user)
        self.assertEqual(r.status, 202, r.body)
        self.wait_for("the replay", lambda: rec.sequences()[5:] == [4, 5])
        time.sleep(1)
        self.assertEqual(rec.sequences(), [1, 2, 3, 4, 5, 4, 5])
        # The owner dies; node-a takes the partition and resumes.
        b.kill9()
        before = len(rec.posts)
        for i in range(3):
            self.create(a, user, f"after-{i}")
        self.wait_for("the events after the failover",
                      lambda: rec.sequences()[-1:] == [8])
        tail = rec.sequences()[before:]
        self.assertEqual(sorted(tail), tail)  # in order (a repeat allowed)
        self.assertTrue({6, 7, 8} <= set(tail), tail)
        self.assertTrue(set(tail) <= {5, 6, 7, 8}, tail)


if __name__ == "__main__":
    unittest.main()
