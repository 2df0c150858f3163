"""Write semantics: async 202 + requests endpoint, Prefer: wait, If-Match /
ETag, Idempotency-Key."""

import unittest

from actodo_fixture import WAIT, ActodoTestCase, parse_time


class RequestsEndpointTest(ActodoTestCase):

    def setUp(self):
        self.srv = self.server()

    def post_async(self, body, headers=None):
        r = self.srv.request("POST", "/api/v1/todos", body, headers)
        self.assertEqual(r.status, 202, r.body)
        rid = r.body["request_id"]
        self.assertIsInstance(rid, str)
        self.assertTrue(rid)
        self.assertIn(r.body["state"], ("pending", "done", "failed"))
        self.assertEqual(r.headers.get("location"), f"/api/v1/requests/{rid}")
        return r

    def test_async_create_then_poll_request(self):
        r = self.post_async({"title": "async one", "priority": "low"})
        rid = r.body["request_id"]
        req = self.srv.wait_request(rid)
        self.assertEqual(req["request_id"], rid)
        self.assertEqual(req["state"], "done")
        self.assertEqual(req["status"], 201)
        self.assertTodo(req["body"], title="async one", priority="low",
                        completed=False, notes="", tags=[], due=None)
        self.assertEqual(self.srv.get_todo(req["body"]["id"]), req["body"])
        # Location is the same resource
        loc = self.srv.get(r.headers["location"])
        self.assertEqual(loc.status, 200)
        self.assertEqual(loc.body, req)

    def test_async_patch_and_delete_results(self):
        todo = self.srv.create("x")
        r = self.srv.request("PATCH", f"/api/v1/todos/{todo['id']}",
                             {"notes": "more"})
        self.assertEqual(r.status, 202, r.body)
        self.assertEqual(r.headers.get("location"),
                         f"/api/v1/requests/{r.body['request_id']}")
        req = self.srv.wait_request(r.body["request_id"])
        self.assertEqual((req["state"], req["status"]), ("done", 200))
        self.assertTodo(req["body"], notes="more", title="x",
                        version=todo["version"] + 1)

        r = self.srv.request("DELETE", f"/api/v1/todos/{todo['id']}")
        self.assertEqual(r.status, 202, r.body)
        self.assertEqual(r.headers.get("location"),
                         f"/api/v1/requests/{r.body['request_id']}")
        req = self.srv.wait_request(r.body["request_id"])
        self.assertEqual((req["state"], req["status"]), ("done", 204))
        self.assertIsNone(req["body"])
        self.assertProblem(self.srv.get(f"/api/v1/todos/{todo['id']}"), 404)

    def test_async_patch_and_delete_of_missing_id_result_404(self):
        for method in ("PATCH", "DELETE"):
            with self.subTest(method=method):
                body = {"title": "x"} if method == "PATCH" else None
                r = self.srv.request(method, "/api/v1/todos/nope-404", body)
                self.assertEqual(r.status, 202, r.body)
                req = self.srv.wait_request(r.body["request_id"])
                self.assertEqual(req["state"], "failed")
                self.assertEqual(req["status"], 404)
                self.assertProblemBody(req["body"], 404)
        self.assertEqual(self.srv.events(0), [])

    def test_unknown_request_id_is_404(self):
        self.assertProblem(self.srv.get("/api/v1/requests/no-such-request"),
                           404)

    def test_prefer_wait_create(self):
        r = self.srv.request("POST", "/api/v1/todos",
                             {"title": "sync", "tags": ["a"]},
                             {"Prefer": WAIT})
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.headers.get("preference-applied"), "wait")
        todo = r.body
        self.assertTodo(todo, title="sync", tags=["a"])
        self.assertEqual(r.headers.get("location"),
                         f"/api/v1/todos/{todo['id']}")
        self.assertEqual(r.headers.get("etag"), f'"{todo["version"]}"')
        g = self.srv.get(r.headers["location"])
        self.assertEqual(g.status, 200)
        self.assertEqual(g.body, todo)

    def test_prefer_wait_patch_and_delete(self):
        todo = self.srv.create("sync")
        r = self.srv.request("PATCH", f"/api/v1/todos/{todo['id']}",
                             {"completed": True}, {"Prefer": WAIT})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.headers.get("preference-applied"), "wait")
        self.assertTodo(r.body, completed=True, version=todo["version"] + 1)
        self.assertGreaterEqual(parse_time(r.body["updated_at"]),
                                parse_time(todo["updated_at"]))
        self.assertEqual(self.srv.get_todo(todo["id"]), r.body)

        r = self.srv.request("DELETE", f"/api/v1/todos/{todo['id']}",
                             headers={"Prefer": WAIT})
        self.assertEqual(r.status, 204, r.body)
        self.assertEqual(r.headers.get("preference-applied"), "wait")
        self.assertFalse(r.body)
        self.assertEqual(self.srv.get(f"/api/v1/todos/{todo['id']}").status,
                         404)

    def test_prefer_wait_missing_id_is_404(self):
        for method in ("PATCH", "DELETE"):
            with self.subTest(method=method):
                body = {"title": "x"} if method == "PATCH" else None
                r = self.srv.request(method, "/api/v1/todos/nope-404", body,
                                     {"Prefer": WAIT})
                self.assertProblem(r, 404)

    def test_get_missing_todo_is_404(self):
        self.assertProblem(self.srv.get("/api/v1/todos/does-not-exist"), 404)


class ConditionalTest(ActodoTestCase):

    def setUp(self):
        self.srv = self.server()
        self.todo = self.srv.create("versioned")
        self.path = f"/api/v1/todos/{self.todo['id']}"

    def test_get_has_etag_that_follows_the_version(self):
        r = self.srv.get(self.path)
        self.assertEqual(r.status, 200)
        v = r.body["version"]
        self.assertEqual(r.headers.get("etag"), f'"{v}"')
        self.srv.patch(self.todo["id"], {"title": "v2"})
        r = self.srv.get(self.path)
        self.assertEqual(r.body["version"], v + 1)
        self.assertEqual(r.headers.get("etag"), f'"{v + 1}"')

    def test_if_match_sync(self):
        v = self.todo["version"]
        r = self.srv.request("PATCH", self.path, {"title": "ok"},
                             {"Prefer": WAIT, "If-Match": f'"{v}"'})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["version"], v + 1)
        # stale now
        r = self.srv.request("PATCH", self.path, {"title": "stale"},
                             {"Prefer": WAIT, "If-Match": f'"{v}"'})
        self.assertProblem(r, 412)
        r = self.srv.request("DELETE", self.path,
                             headers={"Prefer": WAIT, "If-Match": f'"{v}"'})
        self.assertProblem(r, 412)
        cur = self.srv.get_todo(self.todo["id"])
        self.assertEqual((cur["title"], cur["version"]), ("ok", v + 1))
        self.assertEqual(len(self.srv.events(0)), 2)
        r = self.srv.request("DELETE", self.path,
                             headers={"Prefer": WAIT,
                                      "If-Match": f'"{v + 1}"'})
        self.assertEqual(r.status, 204, r.body)

    def test_if_match_async_result_is_412(self):
        v = self.todo["version"]
        self.srv.patch(self.todo["id"], {"title": "moved on"})
        for method, body in (("PATCH", {"title": "stale"}), ("DELETE", None)):
            with self.subTest(method=method):
                r = self.srv.request(method, self.path, body,
                                     {"If-Match": f'"{v}"'})
                self.assertEqual(r.status, 202, r.body)
                req = self.srv.wait_request(r.body["request_id"])
                self.assertEqual(req["state"], "failed")
                self.assertEqual(req["status"], 412)
                self.assertProblemBody(req["body"], 412)
        cur = self.srv.get_todo(self.todo["id"])
        self.assertEqual((cur["title"], cur["version"]),
                         ("moved on", v + 1))


class IdempotencyTest(ActodoTestCase):

    def setUp(self):
        self.srv = self.server()

    def test_same_key_same_body_async(self):
        h = {"Idempotency-Key": "key-async-1"}
        r1 = self.srv.request("POST", "/api/v1/todos", {"title": "once"}, h)
        self.assertEqual(r1.status, 202, r1.body)
        req1 = self.srv.wait_request(r1.body["request_id"])
        r2 = self.srv.request("POST", "/api/v1/todos", {"title": "once"}, h)
        self.assertEqual(r2.status, 202, r2.body)
        self.assertEqual(r2.body["request_id"], r1.body["request_id"])
        self.assertEqual(r2.headers.get("location"),
                         r1.headers.get("location"))
        req2 = self.srv.wait_request(r2.body["request_id"])
        self.assertEqual(req2, req1)
        self.assertEqual([t["title"] for t in self.srv.list_all()], ["once"])
        self.assertEqual(len(self.srv.events(0)), 1)

    def test_same_key_same_body_with_wait(self):
        h = {"Idempotency-Key": "key-sync-1", "Prefer": WAIT}
        r1 = self.srv.request("POST", "/api/v1/todos", {"title": "once"}, h)
        self.assertEqual(r1.status, 201, r1.body)
        # Same JSON, different formatting.
        r2 = self.srv.request("POST", "/api/v1/todos",
                              '{ "title" : "once" }', h)
        self.assertEqual(r2.status, 201, r2.body)
        self.assertEqual(r2.body, r1.body)
        self.assertEqual(r2.headers.get("location"),
                         r1.headers.get("location"))
        self.assertEqual(len(self.srv.list_all()), 1)
        self.assertEqual(len(self.srv.events(0)), 1)

    def test_same_key_different_body_is_422(self):
        h = {"Idempotency-Key": "key-conflict", "Prefer": WAIT}
        r1 = self.srv.request("POST", "/api/v1/todos", {"title": "first"}, h)
        self.assertEqual(r1.status, 201, r1.body)
        r2 = self.srv.request("POST", "/api/v1/todos", {"title": "second"}, h)
        self.assertProblem(r2, 422)
        r3 = self.srv.request("POST", "/api/v1/todos", {"title": "second"},
                              {"Idempotency-Key": "key-conflict"})
        self.assertProblem(r3, 422)
        self.assertEqual([t["title"] for t in self.srv.list_all()], ["first"])
        self.assertEqual(len(self.srv.events(0)), 1)

    def test_idempotent_patch_applies_once(self):
        todo = self.srv.create("p")
        h = {"Idempotency-Key": "key-patch", "Prefer": WAIT}
        path = f"/api/v1/todos/{todo['id']}"
        r1 = self.srv.request("PATCH", path, {"notes": "n1"}, h)
        self.assertEqual(r1.status, 200, r1.body)
        # someone else changes it in between
        self.srv.patch(todo["id"], {"notes": "n2"})
        r2 = self.srv.request("PATCH", path, {"notes": "n1"}, h)
        self.assertEqual(r2.status, 200, r2.body)
        self.assertEqual(r2.body, r1.body)
        cur = self.srv.get_todo(todo["id"])
        self.assertEqual(cur["notes"], "n2")
        self.assertEqual(cur["version"], todo["version"] + 2)
        self.assertEqual(len(self.srv.events(0)), 3)

    def test_keys_are_independent(self):
        for key in ("k-a", "k-b"):
            r = self.srv.request("POST", "/api/v1/todos", {"title": "same"},
                                 {"Idempotency-Key": key, "Prefer": WAIT})
            self.assertEqual(r.status, 201, r.body)
        self.assertEqual(len(self.srv.list_all()), 2)


if __name__ == "__main__":
    unittest.main()
