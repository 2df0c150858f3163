"""Cluster membership changes (issue #16, test 3): a node joining under
load moves partitions without loss, and an owner stalled with SIGSTOP past
the session timeout is fenced by the store when it resumes (SIGCONT) and
rejoins cleanly. A partition map that Redis kept from an earlier store
holds no partition."""

import os
import signal
import subprocess
import threading
import time
import unittest
import uuid

import psycopg2

from cluster_util import (PARTITIONS, Cluster, ClusterTestCase, User, Writer,
                          call, owner_of, partition_of)


class Request(threading.Thread):
    """One create through `node`, answered whenever the node answers."""

    def __init__(self, node, user, title):
        super().__init__(daemon=True)
        self.node, self.user, self.title = node, user, title
        self.response = None

    def run(self):
        self.response = call(self.node, "POST", "/api/v1/todos",
                             {"title": self.title}, self.user, timeout=120)


class JoinTest(ClusterTestCase):
    start_nodes = 2

    def test_a_joining_node_moves_partitions_without_loss(self):
        nodes = self.cluster.nodes
        # One user per partition: whichever partitions the new node gets,
        # some of these users move.
        users = {}
        n = 0
        while len(users) < PARTITIONS:
            u = User(nodes["node-a"], f"join{n}-{os.getpid()}")
            users.setdefault(partition_of(u), u)
            n += 1
        users = list(users.values())
        readers = [self.watch(nodes["node-a"], u) for u in users]
        writers = [Writer(nodes["node-a" if i % 2 else "node-b"], u, f"w{i}")
                   for i, u in enumerate(users)]
        for w in writers:
            w.start()
        time.sleep(2)
        self.cluster.add("node-c")
        # Settled: node-c owns partitions too.
        view = self.cluster.wait_settled()
        moved = [u for u in users
                 if owner_of(nodes["node-a"], u) == "node-c"]
        self.assertTrue(moved, view)
        # Writes go on through the move.
        time.sleep(2)
        for w in writers:
            w.stop_flag.set()
        for w in writers:
            w.join(30)
        for u, w, reader in zip(users, writers, readers):
            self.assertGreater(len(w.acked), 0, w.tag)
            self.check_user(nodes["node-c"], u, w.acked, reader)


class StallTest(ClusterTestCase):
    def lock_waiters(self, db):
        with db.cursor() as cur:
            cur.execute("SELECT count(*) FROM pg_stat_activity WHERE "
                        "wait_event_type = 'Lock' AND "
                        "datname = current_database()")
            return cur.fetchone()[0]

    def wait_for(self, what, predicate, timeout=60):
        deadline = time.monotonic() + timeout
        while not predicate():
            self.assertLess(time.monotonic(), deadline,
                            f"{what}\n{self.cluster.logs()}")
            time.sleep(0.1)

    def test_a_stalled_owner_is_fenced_and_rejoins(self):
        nodes = self.cluster.nodes
        by_owner = self.users_by_owner(nodes["node-a"], want=("node-c",))
        self.assertIn("node-c", by_owner, by_owner.keys())
        user = by_owner["node-c"][0]
        stalled = nodes["node-c"]
        reader = self.watch(nodes["node-a"], user)
        acked = []
        for i in range(5):
            r = call(nodes["node-b"], "POST", "/api/v1/todos",
                     {"title": f"before-{i}"}, user)
            self.assertEqual(r.status, 202, r.body)
            acked.append(f"before-{i}")
        # A test transaction holds the partition's epoch row: node-c's
        # next commit of the user waits for it, and so will the claim of
        # whichever node takes the partition over.
        lock = psycopg2.connect(self.cluster.store)
        self.addCleanup(lock.close)
        probe = psycopg2.connect(self.cluster.store)
        probe.autocommit = True
        self.addCleanup(probe.close)
        with lock.cursor() as cur:
            cur.execute("SELECT epoch FROM partition_epochs WHERE "
                        "partition = %s FOR UPDATE", (partition_of(user),))
            self.assertIsNotNone(cur.fetchone())
        first = Request(stalled, user, "stalled-committed")
        first.start()
        self.wait_for("node-c's commit waits", lambda:
                      self.lock_waiters(probe) >= 1)
        # The second command is applied and waits behind the first commit
        # in node-c's journal, under the epoch node-c holds now.
        second = Request(stalled, user, "stalled-fenced")
        second.start()
        self.wait_for("two commands pending on node-c", lambda: stalled.console(
            f"user {user.id}")["pending_commands"] == 2)
        os.kill(stalled.proc.pid, signal.SIGSTOP)
        self.addCleanup(os.kill, stalled.proc.pid, signal.SIGCONT)
        stopped_at = time.monotonic()
        writers = [Writer(nodes["node-a"], user, "a"),
                   Writer(nodes["node-b"], user, "b")]
        for w in writers:
            w.start()
        # Past the session timeout the group moves the partition; its new
        # owner's claim waits for the row as well.
        self.wait_for("the new owner's claim waits", lambda:
                      self.lock_waiters(probe) >= 2)
        lock.rollback()
        self.wait_for("writes resume on the new owner", lambda: all(
            sum(t > stopped_at for t in w.acked_at) >= 5 for w in writers))
        os.kill(stalled.proc.pid, signal.SIGCONT)
        first.join(60)
        second.join(60)
        # The first commit went in before the claim; the second one is
        # refused by the store (node-c's epoch is stale) and writes nothing.
        # Each answer is whatever came first on the resumed node: the
        # commit's outcome, or the request timeout that ran out while it
        # stood still (504: outcome unknown to the client).
        self.assertIn(first.response.status, (202, 504), first.response.body)
        acked.append("stalled-committed")
        self.assertIn(second.response.status, (503, 504), second.response.body)
        if second.response.status == 503:
            self.assertEqual(second.response.headers.get("retry-after"), "1")
            self.assertIn("moved to another node",
                          second.response.body["detail"])
        self.wait_for("node-c reports the fenced commit", lambda:
                      f"refused commits of partition {partition_of(user)}"
                      in stalled.read_log())
        metrics = call(stalled, "GET", "/metrics").body.decode()
        self.assertRegex(metrics, r"(?m)^actodo_journal_fenced_total [1-9]")
        # node-c rejoins: it is listed again and serves the user (its
        # writes forwarded to, or served by, the owner).
        self.cluster.wait_settled()
        key = str(uuid.uuid4())
        self.wait_for("a write through node-c", lambda: call(
            stalled, "POST", "/api/v1/todos", {"title": "after-rejoin"},
            user, {"Idempotency-Key": key}).status == 202)
        acked.append("after-rejoin")
        for w in writers:
            w.stop_flag.set()
        for w in writers:
            w.join(30)
            acked.extend(w.acked)
        titles = self.check_user(nodes["node-a"], user, acked, reader)
        self.assertNotIn("stalled-fenced", titles)



class StaleMapTest(ClusterTestCase):
    def max_epoch(self, cluster):
        with psycopg2.connect(cluster.store) as db, db.cursor() as cur:
            cur.execute("SELECT max(epoch) FROM partition_epochs")
            return cur.fetchone()[0]

    def owners_map(self, redis):
        """The partition map in Redis: {partition: (epoch, node)}."""
        out = subprocess.run(["redis-cli", "-u", redis, "--raw", "HGETALL",
                              "actodo:owners"], capture_output=True,
                             text=True, check=True, timeout=30).stdout.split()
        return {int(p): (int(epoch), node)
                for p, epoch, node in zip(out[::3], out[1::3], out[2::3])}

    def test_a_map_kept_from_an_earlier_store_holds_no_partition(self):
        old = self.cluster
        # Partitions move (node-c leaves), then the nodes die without
        # clearing anything: the map names them at epochs above 1.
        old.nodes["node-c"].stop()
        old.wait_settled()
        for node in old.nodes.values():
            if node.running():
                node.kill9()
        stale = self.owners_map(old.redis)
        self.assertEqual(len(stale), PARTITIONS, stale)
        self.assertGreaterEqual(max(e for e, _ in stale.values()), 2, stale)
        old.close()
        # A new store (epochs from 1) and other node ids with the same Redis
        # database: every stale entry names another node.
        second = os.path.join(self.tmp, "second")
        os.makedirs(second)
        new = Cluster(second, redis=old.redis,
                      names=["node-x", "node-y", "node-z"])
        self.addCleanup(new.close)
        new.wait_settled()
        fresh = self.owners_map(old.redis)
        for p, (epoch, node) in fresh.items():
            self.assertIn(node, new.nodes, fresh)
            self.assertGreater(epoch, stale[p][0], (stale, fresh))
        # Every partition serves writes.
        node = new.nodes["node-x"]
        users, n = {}, 0
        while len(users) < PARTITIONS:
            u = User(node, f"stale{n}-{os.getpid()}")
            users.setdefault(partition_of(u), u)
            n += 1
        for u in users.values():
            r = call(node, "POST", "/api/v1/todos", {"title": "t"}, u,
                     {"Prefer": "wait=10"})
            self.assertEqual(r.status, 201, (r.body, new.logs()))


if __name__ == "__main__":
    unittest.main()
