"""Invalid request bodies are rejected with 4xx problem+json and change
nothing."""

import json
import unittest

from actodo_fixture import WAIT, ActodoTestCase, raw_http

READ_ONLY = {"id": "x", "created_at": "2026-01-01T00:00:00Z",
             "updated_at": "2026-01-01T00:00:00Z", "version": 7,
             "completed_at": "2026-01-01T00:00:00Z",
             "url": "http://127.0.0.1/todos/x"}


def field_cases(base):
    """(body, field) pairs of schema violations, relative to `base` (which
    makes an otherwise valid body)."""
    cases = [
        (dict(base, title=5), "title"),
        (dict(base, title=None), "title"),
        (dict(base, title=["x"]), "title"),
        (dict(base, title=""), "title"),
        (dict(base, title="x" * 501), "title"),
        (dict(base, notes=5), "notes"),
        (dict(base, notes="n" * 10001), "notes"),
        (dict(base, completed="yes"), "completed"),
        (dict(base, completed=1), "completed"),
        (dict(base, completed=None), "completed"),
        (dict(base, priority="extreme"), "priority"),
        (dict(base, priority=3), "priority"),
        (dict(base, priority="HIGH"), "priority"),
        (dict(base, tags="work"), "tags"),
        (dict(base, tags=[1]), "tags"),
        (dict(base, tags=[None]), "tags"),
        (dict(base, tags=[f"t{i}" for i in range(21)]), "tags"),
        (dict(base, tags=["x" * 51]), "tags"),
        (dict(base, tags=["Work", "work"]), "tags"),
        (dict(base, due="tomorrow"), "due"),
        (dict(base, due=20261201), "due"),
        (dict(base, due="2026-02-30"), "due"),
        (dict(base, due="2026-12-01T10:00:00"), "due"),
        (dict(base, due="2026-12-01 10:00"), "due"),
        (dict(base, order="first"), "order"),
        (dict(base, order=None), "order"),
        (dict(base, order=[1]), "order"),
        (dict(base, colour="red"), "colour"),
    ]
    for key, value in READ_ONLY.items():
        cases.append((dict(base, **{key: value}), key))
    return cases


class BadInputTest(ActodoTestCase):

    def setUp(self):
        self.srv = self.server()

    def snapshot(self):
        return self.srv.list_all(), self.srv.events(0)

    def post(self, body, headers=None):
        return self.srv.request("POST", "/api/v1/todos", body, headers)

    def test_malformed_bodies(self):
        before = self.snapshot()
        cases = [
            b"\x00\xff garbage \xfe",
            b"",
            b"{\"title\": \"abc\"",
            b"{\"title\": \"abc\",}",
            b"[\"title\"]",
            b"[]",
            b"\"just a string\"",
            b"42",
            b"null",
            b"true",
            b"{\"title\": \"x\"} trailing",
            b"{'title': 'single quotes'}",
        ]
        for body in cases:
            for headers in ({}, {"Prefer": WAIT}):
                with self.subTest(body=body, headers=headers):
                    self.assertProblem(
                        self.post(body, dict(headers,
                                             **{"Content-Type":
                                                "application/json"})), 400)
        self.assertEqual(self.snapshot(), before)

    def test_invalid_utf8_in_string(self):
        before = self.snapshot()
        for body in (b'{"title": "bad \xff\xfe bytes"}',
                     b'{"title": "ok", "notes": "\xc3\x28"}',
                     b'{"title": "lone surrogate \\ud800"}'):
            with self.subTest(body=body):
                r = self.post(body)
                self.assertGreaterEqual(r.status, 400, r.body)
                self.assertLess(r.status, 500, r.body)
                self.assertProblem(r, r.status)
        self.assertEqual(self.snapshot(), before)

    def test_schema_violations_on_create(self):
        cases = field_cases({"title": "valid"}) + [({}, "title"),
                                                   ({"notes": "x"}, "title")]
        before = self.snapshot()
        for body, field in cases:
            for headers in ({}, {"Prefer": WAIT}):
                with self.subTest(body=json.dumps(body)[:80], field=field,
                                  headers=headers):
                    self.assertProblem(self.post(body, headers), 400, field)
        self.assertEqual(self.snapshot(), before)

    def test_schema_violations_on_patch(self):
        todo = self.srv.create("target")
        path = f"/api/v1/todos/{todo['id']}"
        before = self.snapshot()
        cases = [(b, f) for b, f in field_cases({}) if f != "title" or
                 "title" in b]
        for body, field in cases:
            for headers in ({}, {"Prefer": WAIT}):
                with self.subTest(body=json.dumps(body)[:80], field=field,
                                  headers=headers):
                    self.assertProblem(
                        self.srv.request("PATCH", path, body, headers),
                        400, field)
        for body in (b"[1]", b"{\"title\": ", b"\"x\""):
            with self.subTest(body=body):
                self.assertProblem(self.srv.request("PATCH", path, body), 400)
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
        self.assertProblem(r, 413)
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
