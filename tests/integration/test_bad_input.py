"""Invalid request bodies are rejected with 4xx problem+json and change
nothing. Which body is refused, naming which field, is decided by pure
code and unit-tested (tests/domain, tests/web); these cases keep the real
server's wiring and its limits covered."""

import json
import unittest

from actodo_fixture import WAIT, ActodoTestCase, raw_http


class BadInputTest(ActodoTestCase):

    def setUp(self):
        self.srv = self.server()

    def snapshot(self):
        return self.srv.list_all(), self.srv.events(0)

    def post(self, body, headers=None):
        return self.srv.request("POST", "/api/v1/todos", body, headers)

    def test_bad_bodies_are_problems_naming_the_field(self):
        # The wiring of the body checks over the real server; every case
        # of them is a unit test (tests/web/body_validation_test.cpp).
        todo = self.srv.create("target")
        path = f"/api/v1/todos/{todo['id']}"
        before = self.snapshot()
        for headers in ({}, {"Prefer": WAIT}):
            with self.subTest(headers=headers):
                self.assertProblem(self.post({"title": 5}, headers), 400,
                                   "title")
                self.assertProblem(
                    self.post({"title": "x", "tags": ["a", "A"]}, headers),
                    400, "tags/1")
                self.assertProblem(
                    self.post(b"{\"title\": \"abc\",}",
                              dict(headers,
                                   **{"Content-Type": "application/json"})),
                    400)
                self.assertProblem(
                    self.srv.request("PATCH", path, {"id": "x"}, headers),
                    400, "id")
                self.assertProblem(
                    self.post('{"title": "typed"}',
                              dict(headers, **{"Content-Type": "text/plain"})),
                    415, "Content-Type")
        self.assertEqual(self.snapshot(), before)

    def test_limits_are_inclusive(self):
        ok = [
            {"title": "x" * 500},
            {"title": "n", "notes": "n" * 10000},
            {"title": "t", "tags": [f"t{i}" for i in range(20)]},
            {"title": "t", "tags": ["x" * 50]},
            {"title": "\u00e9\u6f22\U0001F600" * 100},  # 300 code points
            {"title": "d", "due": "2026-12-01"},
            {"title": "d", "due": "2026-12-01T10:00:00+05:30"},
            {"title": "d", "due": None},
            {"title": "p", "priority": "urgent", "completed": True,
             "order": 2.5},
        ]
        for body in ok:
            with self.subTest(body=json.dumps(body)[:80]):
                r = self.post(body, {"Prefer": WAIT})
                self.assertEqual(r.status, 201, r.body)
                for k, v in body.items():
                    if k != "due" or v is None:
                        self.assertEqual(r.body[k], v, k)
                if "due" in body and body["due"]:
                    self.assertTrue(r.body["due"].startswith("2026-12-01"))
        self.assertEqual(len(self.srv.list_all()), len(ok))

    def test_body_over_1_mib_is_413(self):
        before = self.snapshot()
        body = json.dumps({"title": "big", "notes": "a" * (1 << 20)}).encode()
        head = (f"POST /api/v1/todos HTTP/1.1\r\nHost: 127.0.0.1:{self.srv.port}"
                f"\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
                ).encode()
        r = raw_http(self.srv.port, head, body)
        self.assertProblem(r, 413, "body")
        # exactly at the limit (1 MiB) is not rejected as too large
        pad = (1 << 20) - len(json.dumps({"title": "at limit",
                                          "notes": ""}).encode())
        at = json.dumps({"title": "at limit", "notes": " " * 0}).encode()
        at = at[:-1] + b" " * pad + b"}"
        self.assertEqual(len(at), (1 << 20))
        r2 = self.srv.request("POST", "/api/v1/todos", at, {"Prefer": WAIT})
        self.assertNotEqual(r2.status, 413, r2.body)
        self.assertEqual(r2.status, 201, r2.body)
        items, events = self.snapshot()
        self.assertEqual([t["title"] for t in items], ["at limit"])
        self.assertEqual(len(events), len(before[1]) + 1)
        # The server is still fine.
        self.assertEqual(self.srv.get("/healthz").status, 200)


if __name__ == "__main__":
    unittest.main()
