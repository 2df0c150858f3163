"""Import jobs in cluster mode (issues #16, #17): a job accepted by a node
that dies (kill -9) is taken over by another node once its lease ends and
finishes without losing or repeating an item; its state reads the same
from every node."""

import json
import time

from cluster_util import ClusterTestCase, call
from wire import http_request


class ImportClusterTest(ClusterTestCase):
    start_nodes = 2
    extra_args = ("--imports.lease=3s", "--max-todos=100000")

    def job(self, node, user, job_id):
        r = call(node, "GET", f"/api/v1/jobs/{job_id}", user=user)
        self.assertEqual(r.status, 200, r.body)
        return r.body

    def test_a_dead_nodes_job_moves_to_another_node(self):
        a, b = self.cluster.nodes["node-a"], self.cluster.nodes["node-b"]
        by_owner = self.users_by_owner(a, count=10, want=("node-a",))
        self.assertIn("node-a", by_owner, by_owner.keys())
        user = by_owner["node-a"][0]
        n = 40000
        items = json.dumps([{"title": f"item {i}"} for i in range(n)])
        # Accepted by node-b, which does not own the user: its commands
        # cross to node-a.
        r = http_request(b.port, "POST", "/api/v1/imports", items,
                         user.headers({"Content-Type": "application/json"}),
                         60)
        self.assertEqual(r.status, 202, r.body)
        job_id = r.body["job_id"]
        deadline = time.monotonic() + 60
        while True:
            view = self.job(b, user, job_id)
            if view["done"] >= 256:
                break
            self.assertLess(time.monotonic(), deadline, self.cluster.logs())
            time.sleep(0.02)
        self.assertEqual(view["state"], "running", view)
        b.kill9()
        # node-a takes it over after the lease (3 s) and finishes it.
        deadline = time.monotonic() + 120
        while True:
            view = self.job(a, user, job_id)
            if view["state"] != "running" and view["state"] != "queued":
                break
            self.assertLess(time.monotonic(), deadline, self.cluster.logs())
            time.sleep(0.2)
        self.assertEqual((view["state"], view["done"], view["failed"]),
                         ("done", n, 0), view)
        titles = self.titles(a, user)
        self.assertEqual(len(titles), n)
        self.assertEqual(len(set(titles)), n)
