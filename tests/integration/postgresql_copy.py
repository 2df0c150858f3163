"""`actodo store copy` (issue #15): a seeded SQLite store goes to
PostgreSQL and back to SQLite, and a server on each copy answers the API
with identical content, timestamps included. Run only by the
`integration.postgresql` test (ACTODO_TEST_PG_DIR)."""

import json
import os
import secrets
import subprocess
import tempfile
import unittest

from actodo_fixture import (PG_DIR, WAIT, ActodoTestCase, actodo_bin,
                            pg_store_for)

PASSWORD = "copy me if you can, twice"
JWT = "k" * 40


def store_copy(src, dst):
    return subprocess.run([actodo_bin(), "store", "copy", f"--from={src}",
                           f"--to={dst}"], capture_output=True, text=True,
                          timeout=120)


class StoreCopyTest(ActodoTestCase):

    def setUp(self):
        if not PG_DIR:
            self.fail("ACTODO_TEST_PG_DIR is not set: run through ctest "
                      "(integration.postgresql)")
        self.tmp = tempfile.mkdtemp(prefix="actodo-copy-")
        self.addCleanup(lambda: __import__("shutil").rmtree(self.tmp, True))

    def start(self, store):
        data = os.path.join(self.tmp, f"node-{secrets.token_hex(4)}")
        return self.server(data_dir=data, extra_args=[
            f"--store={store}", "--auth=token", f"--jwt-secret={JWT}"])

    @staticmethod
    def call(srv, method, path, token, body=None, headers=None):
        h = {"Content-Type": "application/json",
             "Authorization": f"Bearer {token}"}
        h.update(headers or {})
        return srv.request(method, path,
                           None if body is None else json.dumps(body), h)

    @staticmethod
    def login(srv, name, register=False):
        if register:
            r = srv.request("POST", "/api/v1/auth/register",
                            json.dumps({"username": name,
                                        "password": PASSWORD}),
                            {"Content-Type": "application/json"})
            assert r.status == 201, r.body
        r = srv.request("POST", "/api/v1/auth/login",
                        json.dumps({"username": name, "password": PASSWORD}),
                        {"Content-Type": "application/json"})
        assert r.status == 200, r.body
        return r.body["access_token"]

    @staticmethod
    def body(name, i):
        return {"title": f"{name} {i} caf\u00e9",
                "priority": "high" if i % 2 else "low",
                "tags": ["x", f"t{i % 3}"],
                "due": "2031-05-0%dT09:00:00Z" % (i % 9 + 1),
                "reminders": [{"offset": "-PT15M"}]}

    def seed(self, srv):
        """Two users with created, changed, completed and deleted todos and
        a refused command."""
        for name in ("ann", "ben"):
            token = self.login(srv, name, register=True)
            ids = []
            for i in range(12):
                r = self.call(srv, "POST", "/api/v1/todos", token,
                              self.body(name, i),
                              {"Prefer": WAIT, "Idempotency-Key": f"k{i}"})
                self.assertEqual(r.status, 201, r.body)
                ids.append(r.body["id"])
            r = self.call(srv, "PATCH", f"/api/v1/todos/{ids[0]}", token,
                          {"completed": True}, {"Prefer": WAIT})
            self.assertEqual(r.status, 200, r.body)
            r = self.call(srv, "DELETE", f"/api/v1/todos/{ids[1]}", token,
                          headers={"Prefer": WAIT})
            self.assertEqual(r.status // 100, 2, r.body)
            r = self.call(srv, "POST", "/api/v1/todos", token, {"title": ""},
                          {"Prefer": WAIT})
            self.assertEqual(r.status, 400)

    def content(self, srv):
        """Everything a client can read, per user."""
        result = {}
        for name in ("ann", "ben"):
            token = self.login(srv, name)
            todos = self.call(srv, "GET", "/api/v1/todos?limit=100", token)
            events = self.call(srv, "GET", "/api/v1/events?limit=1000", token)
            # The stored outcome of an idempotent create, not a new todo.
            replay = self.call(srv, "POST", "/api/v1/todos", token,
                               self.body(name, 3),
                               {"Prefer": WAIT, "Idempotency-Key": "k3"})
            me = self.call(srv, "GET", "/api/v1/me", token)
            for r in (todos, events, replay, me):
                self.assertEqual(r.status // 100, 2, r.body)
            self.assertEqual(len(todos.body["items"]), 11)
            result[name] = {"todos": todos.body, "events": events.body,
                            "replay": [replay.status, replay.body],
                            "me": me.body}
        return result

    def test_sqlite_to_postgresql_and_back_is_identical(self):
        first = os.path.join(self.tmp, "first.db")
        srv = self.start(f"sqlite:{first}")
        self.seed(srv)
        original = self.content(srv)
        srv.stop()
        self.assertGreater(len(original["ann"]["events"]["items"]), 12)

        pg = pg_store_for(os.path.join(self.tmp, "copy-target"))
        r = store_copy(f"sqlite:{first}", pg)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("verified", r.stdout)
        self.assertIn("users 2,", r.stdout)
        # A non-empty target is refused and left alone.
        again = store_copy(f"sqlite:{first}", pg)
        self.assertEqual(again.returncode, 2, again.stderr)
        self.assertIn("not empty", again.stderr)

        second = os.path.join(self.tmp, "second.db")
        r = store_copy(pg, f"sqlite:{second}")
        self.assertEqual(r.returncode, 0, r.stderr)

        for store in (pg, f"sqlite:{second}"):
            with self.subTest(store=store):
                node = self.start(store)
                self.assertEqual(self.content(node), original)
                node.stop()

    def test_a_running_server_s_sqlite_store_is_not_copied(self):
        db = os.path.join(self.tmp, "busy.db")
        srv = self.start(f"sqlite:{db}")
        r = store_copy(f"sqlite:{db}",
                       pg_store_for(os.path.join(self.tmp, "unused")))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(f"PID {srv.proc.pid}", r.stderr)


if __name__ == "__main__":
    unittest.main()
