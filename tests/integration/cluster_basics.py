"""Cluster mode, three nodes: forwarding, frames across nodes, the console,
TLS between nodes, and the options that refuse to start (issue #16)."""

import json
import os
import socket
import ssl
import subprocess
import tempfile
import time
import unittest
import uuid

from actodo_fixture import actodo_bin, recv_until, has_event
from cluster_util import (ClusterTestCase, PARTITIONS, User, call, make_certs,
                          owner_of, retried)


class ForwardingTest(ClusterTestCase):
    def test_a_socket_on_a_gets_a_write_sent_to_b_for_a_user_owned_by_c(self):
        nodes = self.cluster.nodes
        by_owner = self.users_by_owner(nodes["node-a"], want=("node-c",))
        self.assertIn("node-c", by_owner, by_owner.keys())
        user = by_owner["node-c"][0]
        ws = user.ws(nodes["node-a"])
        self.addCleanup(ws.close)
        welcome = json.loads(ws.recv())
        self.assertEqual(welcome["type"], "welcome")
        r = call(nodes["node-b"], "POST", "/api/v1/todos",
                 {"title": "across three nodes"}, user)
        self.assertEqual(r.status, 202, r.body)
        rid = r.body["request_id"]
        frames = recv_until(ws, has_event(
            lambda ev: ev["type"] == "todo.created"))
        results = [f for f in frames if f.get("type") == "result"]
        self.assertEqual([f["request_id"] for f in results], [rid])
        todo_id = results[0]["body"]["id"]
        for node in nodes.values():
            got = call(node, "GET", f"/api/v1/todos/{todo_id}", user=user)
            self.assertEqual(got.status, 200, (node.node_id, got.body))
            self.assertEqual(got.body["title"], "across three nodes")
        # Another user's data stays theirs on every node.
        other = next(u for us in by_owner.values() for u in us if u is not user)
        for node in nodes.values():
            got = call(node, "GET", f"/api/v1/todos/{todo_id}", user=other)
            self.assertEqual(got.status, 404, got.body)

    def test_synchronous_writes_and_reads_work_through_every_node(self):
        nodes = list(self.cluster.nodes.values())
        by_owner = self.users_by_owner(nodes[0])
        for owner, users in by_owner.items():
            user = users[0]
            ids = []
            for node in nodes:
                r = call(node, "POST", "/api/v1/todos",
                         {"title": f"via {node.node_id}"}, user,
                         {"Prefer": "wait=10"})
                self.assertEqual(r.status, 201, (owner, node.node_id, r.body))
                ids.append(r.body["id"])
            for node in nodes:
                r = call(node, "GET", "/api/v1/todos?limit=50", user=user)
                self.assertEqual(r.status, 200, r.body)
                self.assertEqual(sorted(t["id"] for t in r.body["items"]),
                                 sorted(ids))


class ConsoleTest(ClusterTestCase):
    def test_nodes_lists_every_node_and_user_names_the_owner(self):
        nodes = self.cluster.nodes
        for node in nodes.values():
            view = node.console("nodes")["nodes"]
            self.assertEqual([x["id"] for x in view], sorted(nodes))
            for x in view:
                self.assertEqual(set(x), {"id", "address", "partitions",
                                          "users", "sessions", "since"})
                self.assertEqual(x["address"], "127.0.0.1:"
                                 + str(nodes[x["id"]].cluster_port))
            self.assertEqual(sorted(p for x in view for p in x["partitions"]),
                             list(range(PARTITIONS)))
        text = nodes["node-b"].console("nodes", json_out=False)
        for node_id in nodes:
            self.assertIn(node_id, text)
        user = User(nodes["node-a"], f"console-{os.getpid()}")
        owners = {owner_of(node, user) for node in nodes.values()}
        self.assertEqual(len(owners), 1, owners)
        owner = owners.pop()
        self.assertIn(owner, nodes)
        owned = {p for x in nodes[owner].console("nodes")["nodes"]
                 if x["id"] == owner for p in x["partitions"]}
        self.assertTrue(owned)
        # Presence: the nodes holding sessions of the user, from any node.
        self.assertEqual(nodes["node-c"].console(f"user {user.id}")
                         ["sessions_on"], [])
        sockets = [user.ws(nodes["node-a"]), user.ws(nodes["node-b"])]
        for ws in sockets:
            self.addCleanup(ws.close)
            self.assertEqual(json.loads(ws.recv())["type"], "welcome")
        self.assertEqual(self.sessions_on(nodes["node-c"], user,
                                          ["node-a", "node-b"]),
                         ["node-a", "node-b"])
        sockets[0].close()
        self.assertEqual(self.sessions_on(nodes["node-c"], user, ["node-b"]),
                         ["node-b"])

    def sessions_on(self, node, user, expected, timeout=15):
        """The user's presence as `node` reports it, once it is `expected`
        (written at each heartbeat) or the time is up."""
        deadline = time.monotonic() + timeout
        while True:
            seen = node.console(f"user {user.id}")["sessions_on"]
            if seen == expected or time.monotonic() > deadline:
                return seen
            time.sleep(0.2)


class LeaveTest(ClusterTestCase):
    def test_a_node_stopped_with_sigterm_hands_its_users_over(self):
        nodes = self.cluster.nodes
        by_owner = self.users_by_owner(nodes["node-a"], want=("node-c",))
        self.assertIn("node-c", by_owner, by_owner.keys())
        user = by_owner["node-c"][0]
        r = call(nodes["node-a"], "POST", "/api/v1/todos",
                 {"title": "before"}, user, {"Prefer": "wait=10"})
        self.assertEqual(r.status, 201, r.body)
        # Exit code 0 within 10 s (Server.stop asserts both).
        nodes["node-c"].stop()
        # It left the registry at once (no waiting for its TTL) ...
        view = nodes["node-a"].console("nodes")["nodes"]
        self.assertEqual([x["id"] for x in view], ["node-a", "node-b"])
        # ... and its partitions move to the others.
        self.cluster.wait_settled(timeout=60)
        self.assertIn(retried(lambda: owner_of(nodes["node-b"], user)),
                      ("node-a", "node-b"))
        # The same Idempotency-Key again after a 503 or a timeout.
        key = str(uuid.uuid4())

        def write():
            r = call(nodes["node-b"], "POST", "/api/v1/todos",
                     {"title": "after"}, user,
                     {"Prefer": "wait=10", "Idempotency-Key": key})
            if r.status == 503:
                raise AssertionError(r.body)
            return r
        r = retried(write)
        self.assertEqual(r.status, 201, r.body)
        r = retried(lambda: call(nodes["node-a"], "GET", "/api/v1/todos",
                                 user=user))
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(sorted(t["title"] for t in r.body["items"]),
                         ["after", "before"])


class TlsTest(ClusterTestCase):
    def handshake(self, port, cert=None, key=None, ca=None):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        if cert:
            ctx.load_cert_chain(cert, key)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            with ctx.wrap_socket(raw) as tls:
                # TLS 1.3: a refused client certificate shows on first read.
                tls.settimeout(5)
                try:
                    data = tls.recv(1)
                except socket.timeout:
                    return True
                return data != b""

    def test_a_peer_without_the_cluster_certificate_cannot_connect(self):
        node = self.cluster.nodes["node-a"]
        with self.assertRaises((ssl.SSLError, ConnectionError)):
            self.handshake(node.cluster_port)
        other = tempfile.mkdtemp(prefix="actodo-othercerts-")
        self.addCleanup(subprocess.run, ["rm", "-rf", other])
        os.rmdir(other)
        make_certs(other)
        with self.assertRaises((ssl.SSLError, ConnectionError)):
            self.handshake(node.cluster_port, os.path.join(other, "node.pem"),
                           os.path.join(other, "node.key"))
        # The cluster's own certificate gets through the TLS layer.
        certs = self.cluster.certs
        self.assertTrue(self.handshake(node.cluster_port,
                                       os.path.join(certs, "node.pem"),
                                       os.path.join(certs, "node.key")))


class StartTest(unittest.TestCase):
    def serve(self, *args):
        tmp = tempfile.mkdtemp(prefix="actodo-cluster-start-")
        self.addCleanup(subprocess.run, ["rm", "-rf", tmp])
        return subprocess.run([actodo_bin(), "serve", "--port=0",
                               "--admin-port=-1", f"--data-dir={tmp}", *args],
                              capture_output=True, timeout=30,
                              stdin=subprocess.DEVNULL)

    def test_cluster_mode_without_shared_store_or_kafka_exits_2(self):
        base = ["--cluster.redis=redis://127.0.0.1:1", "--cluster.node-id=x",
                "--cluster.port=0", "--cluster.insecure"]
        r = self.serve(*base, "--kafka.brokers=127.0.0.1:1")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(b"--store", r.stderr)
        self.assertIn(b"shares", r.stderr)
        r = self.serve(*base, "--store=postgresql://a@127.0.0.1:1/b")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(b"--kafka.brokers", r.stderr)
        r = self.serve("--cluster.redis=redis://:hunter2@127.0.0.1:1/99x",
                       "--cluster.node-id=x", "--cluster.port=0",
                       "--cluster.insecure", "--kafka.brokers=127.0.0.1:1",
                       "--store=postgresql://a@127.0.0.1:1/b")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(b"cluster.redis", r.stderr)
        self.assertNotIn(b"hunter2", r.stderr + r.stdout)

    def test_tls_files_must_exist_and_match(self):
        r = self.serve("--cluster.redis=redis://127.0.0.1:1",
                       "--cluster.node-id=x", "--cluster.port=0",
                       "--cluster.tls-dir=/nonexistent",
                       "--kafka.brokers=127.0.0.1:1",
                       "--store=postgresql://a@127.0.0.1:1/b")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(b"--cluster.tls-dir", r.stderr)


if __name__ == "__main__":
    unittest.main()
