"""Cluster mode under failure (issue #16): the owner of a user killed with
SIGKILL under a steady write load through the other nodes, and Redis
restarted under load. Nothing acknowledged is lost, sequences stay
gap-free, a socket on a surviving node sees every event exactly once, and
the nodes recover by themselves: writes succeed again within the session
timeout plus 5 s. The reminders of the dead owner's users fire on the new
owner, once."""

import datetime
import sys
import time
import unittest

from cluster_util import ClusterTestCase, Writer, call, restart_redis


def rfc3339(epoch):
    t = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


class FailoverTest(ClusterTestCase):
    # On librdkafka's mock broker, the only Kafka here, a failover takes
    # about twice the session timeout: the group coordinator waits the
    # session timeout minus 1 s before it ends the join that follows an
    # eviction, even when every survivor is back (rdkafka_mock_cgrp.c; a
    # real broker ends it then). With 3 s the issue's bound of "the session
    # timeout plus 5 s" holds here; docs/cluster.md has the figures.
    session_timeout = 3

    def test_owner_killed_under_load_loses_nothing(self):
        nodes = self.cluster.nodes
        by_owner = self.users_by_owner(nodes["node-a"], want=("node-c",))
        self.assertIn("node-c", by_owner, by_owner.keys())
        user = by_owner["node-c"][0]
        reader = self.watch(nodes["node-a"], user)
        writers = [Writer(nodes["node-a"], user, "a"),
                   Writer(nodes["node-b"], user, "b")]
        for w in writers:
            w.start()
        time.sleep(2)
        killed_at = time.monotonic()
        nodes["node-c"].kill9()
        # Writes through both survivors succeed again.
        timeout = self.session_timeout
        deadline = killed_at + timeout + 60
        while time.monotonic() < deadline and not all(
                sum(t > killed_at + timeout for t in w.acked_at) >= 5
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
            # The longest pause in acknowledged writes: it ends within the
            # session timeout plus 5 s of the kill (issue #16, test 2). A
            # request that was with node-c when it died is answered 503 at
            # once, not left to the client's timeout.
            times = [t - killed_at for t in w.acked_at]
            gap = max(zip(times, times[1:]), key=lambda x: x[1] - x[0])
            sys.stderr.write(f"failover: writes through node-{w.tag} stopped "
                             f"{gap[0]:+.1f} s and resumed {gap[1]:.1f} s "
                             f"after the kill\n")
            self.assertLessEqual(gap[1], timeout + 5,
                                 (w.tag, gap, self.cluster.logs()))
        # Every acknowledged write is there, once; the user's sequence is
        # gap-free; the socket on a surviving node saw every event once.
        self.check_user(nodes["node-b"], user, acked, reader)

    def test_reminders_of_a_dead_owner_fire_on_the_new_owner(self):
        nodes = self.cluster.nodes
        by_owner = self.users_by_owner(nodes["node-a"], want=("node-c",))
        self.assertIn("node-c", by_owner, by_owner.keys())
        user = by_owner["node-c"][0]
        # Written after every node started (only node-c's scheduler heard
        # of them): one falls due while the partition has no owner, one
        # after it moved.
        now = time.time()
        ids = {}
        for title, at in (("during", now + 2), ("after", now + 15)):
            r = call(nodes["node-a"], "POST", "/api/v1/todos",
                     {"title": title, "reminders": [{"at": rfc3339(at)}]},
                     user, {"Prefer": "wait=10"})
            self.assertEqual(r.status, 201, r.body)
            ids[title] = r.body["id"]
        nodes["node-c"].kill9()
        deadline = time.monotonic() + 60
        while True:
            items = self.read(nodes["node-b"], "/api/v1/todos", user).body
            states = {t["title"]: t["reminders"][0]["state"]
                      for t in items["items"]}
            if states == {"during": "fired", "after": "fired"}:
                break
            self.assertLess(time.monotonic(), deadline,
                            (states, self.cluster.logs()))
            time.sleep(0.5)
        # Each fired once (a wake sent twice across the move is a no-op:
        # the list decides what is due).
        types = [e["type"] for e in self.events(nodes["node-a"], user)]
        self.assertEqual(types.count("todo.reminder.due"), 2, types)

    def test_redis_restart_under_load(self):
        nodes = self.cluster.nodes
        by_owner = self.users_by_owner(nodes["node-a"], count=6)
        user = next(iter(by_owner.values()))[0]
        reader = self.watch(nodes["node-b"], user)
        writer = Writer(nodes["node-c"], user, "c")
        writer.start()
        time.sleep(1)
        restart_redis()
        # The nodes register again by themselves, presence included.
        self.cluster.wait_settled(timeout=30)
        deadline = time.monotonic() + 15
        while nodes["node-a"].console(f"user {user.id}")["sessions_on"] != [
                "node-b"]:
            self.assertLess(time.monotonic(), deadline, self.cluster.logs())
            time.sleep(0.2)
        time.sleep(1)
        writer.stop_flag.set()
        writer.join(30)
        self.check_user(nodes["node-a"], user, writer.acked, reader)


if __name__ == "__main__":
    unittest.main()
