"""Health endpoints, routing errors (404/405) and clean shutdown."""

import os
import socket
import time
import unittest

from actodo_fixture import ActodoTestCase, Server, recv_json


class HealthAndRoutingTest(ActodoTestCase):

    @classmethod
    def setUpClass(cls):
        cls.srv = Server()

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()

    def test_healthz_and_readyz(self):
        for path in ("/healthz", "/readyz"):
            with self.subTest(path=path):
                self.assertEqual(self.srv.get(path).status, 200)

    def test_the_server_allocates_with_jemalloc(self):
        # The release build links Debian's jemalloc (CMakeLists.txt,
        # ACTODO_JEMALLOC): the server says which allocator it runs on.
        deadline = time.monotonic() + 10
        while not any(l.startswith("actodo: heap ")
                      for l in self.srv.stdout_lines):
            self.assertLess(time.monotonic(), deadline, self.srv.stdout_lines)
            time.sleep(0.05)
        self.assertIn("actodo: heap jemalloc", self.srv.stdout_lines)

    def test_the_busiest_threads_carry_names(self):
        # docs/operations.md ("Threads of a node") and
        # bench/journal_profile.sh rely on these names. Each thread names
        # itself once it runs: wait for them. The WAL checkpointer exists
        # with SQLite only (this module also runs with --store=postgresql).
        sqlite = not any(a.startswith("--store=postgresql")
                         for a in self.srv.extra_args)
        tasks = f"/proc/{self.srv.proc.pid}/task"

        def names():
            found = []
            for tid in os.listdir(tasks):
                try:
                    with open(f"{tasks}/{tid}/comm") as f:
                        found.append(f.read().strip())
                except FileNotFoundError:
                    pass  # A short-lived thread ended meanwhile.
            return found

        def named(xs):
            return (xs.count("actodo.journal") == 1
                    and xs.count("actodo.ckpt") == (1 if sqlite else 0)
                    # One Beast thread per --io-threads (one per core).
                    and xs.count("actodo.io") >= 1)

        deadline = time.monotonic() + 10
        while not named(names()) and time.monotonic() < deadline:
            time.sleep(0.05)
        found = names()
        self.assertEqual(found.count("actodo.journal"), 1, found)
        self.assertEqual(found.count("actodo.ckpt"), 1 if sqlite else 0, found)
        self.assertGreaterEqual(found.count("actodo.io"), 1, found)

    def test_unknown_routes_are_404_problem(self):
        for method, path in [("GET", "/nope"), ("GET", "/api/v1/nope"),
                             ("GET", "/api/v2/todos"),
                             ("POST", "/api/v1/unknown"),
                             ("GET", "/api/v1/todos/a/b")]:
            with self.subTest(method=method, path=path):
                body = {"title": "x"} if method == "POST" else None
                self.assertProblem(self.srv.request(method, path, body), 404)

    def test_wrong_method_is_405(self):
        for method, path in [("PUT", "/api/v1/todos"),
                             ("DELETE", "/api/v1/todos"),
                             ("POST", "/api/v1/todos/some-id"),
                             ("PUT", "/api/v1/todos/some-id"),
                             ("POST", "/api/v1/events"),
                             ("DELETE", "/api/v1/requests/some-id"),
                             ("POST", "/healthz"),
                             ("PUT", "/todos")]:
            with self.subTest(method=method, path=path):
                body = {"title": "x"} if method in ("POST", "PUT") else None
                r = self.srv.request(method, path, body)
                self.assertEqual(r.status, 405, r.body)
        # none of that created anything
        self.assertEqual(self.srv.list_all(), [])
        self.assertEqual(self.srv.events(0), [])


class ShutdownTest(ActodoTestCase):

    def test_sigterm_exits_zero(self):
        srv = self.server()
        srv.create("x")
        srv.stop()  # asserts exit code 0 within 10 s
        self.assertFalse(srv.running())

    def test_sigterm_exits_zero_with_open_websocket_and_idle_connection(self):
        srv = self.server()
        ws = srv.ws()
        self.assertEqual(recv_json(ws)["type"], "welcome")
        idle = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        self.addCleanup(idle.close)
        # stop() closes the sockets the fixture opened; keep this one open
        srv._sockets = []
        self.addCleanup(ws.close)
        srv.stop()
        self.assertEqual(srv.proc.returncode, 0)

    def test_restarted_server_serves_again(self):
        srv = self.server()
        srv.stop()
        srv.restart()
        self.assertEqual(srv.get("/readyz").status, 200)
        self.assertEqual(srv.list_all(), [])


if __name__ == "__main__":
    unittest.main()
