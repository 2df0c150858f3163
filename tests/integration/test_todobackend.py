"""Todo-Backend compatible API at /todos (todobackend.com spec) with CORS."""

import unittest
import urllib.parse

from actodo_fixture import ActodoTestCase, http_request

ORIGIN = "http://www.todobackend.com"


def header_list(value):
    return {v.strip().lower() for v in (value or "").split(",") if v.strip()}


class TodoBackendTest(ActodoTestCase):

    def setUp(self):
        # The spec runner at www.todobackend.com calls cross-origin.
        self.srv = self.server(extra_args=["--cors-origins=*"])
        self.base = f"http://127.0.0.1:{self.srv.port}"

    def call(self, method, path, body=None, headers=None):
        r = self.srv.request(method, path, body,
                             dict(headers or {}, Origin=ORIGIN))
        self.assertEqual(r.headers.get("access-control-allow-origin"), "*",
                         f"{method} {path} -> {r.status} {r.headers}")
        return r

    def follow(self, method, url, body=None):
        """Follows an absolute url returned by the server."""
        u = urllib.parse.urlsplit(url)
        self.assertEqual((u.scheme, u.netloc),
                         ("http", f"127.0.0.1:{self.srv.port}"), url)
        return self.call(method, u.path, body)

    def assertBackendTodo(self, todo, title, completed, order=None):
        self.assertEqual(todo["title"], title)
        self.assertIs(todo["completed"], completed)
        if order is not None:
            self.assertEqual(todo["order"], order)
        self.assertRegex(todo["url"],
                         rf"^http://127\.0\.0\.1:{self.srv.port}/todos/[^/]+$")
        if "id" in todo:
            self.assertTrue(todo["url"].endswith("/" + todo["id"]), todo)

    def test_preflight(self):
        for path in ("/todos", "/todos/some-id"):
            for method in ("POST", "PATCH", "DELETE"):
                with self.subTest(path=path, method=method):
                    r = self.call("OPTIONS", path, headers={
                        "Access-Control-Request-Method": method,
                        "Access-Control-Request-Headers": "content-type"})
                    self.assertIn(r.status, (200, 204))
                    methods = header_list(
                        r.headers.get("access-control-allow-methods"))
                    self.assertLessEqual({"get", "post", "patch", "delete"},
                                         methods, r.headers)
                    allowed = header_list(
                        r.headers.get("access-control-allow-headers"))
                    self.assertTrue("content-type" in allowed
                                    or "*" in allowed, r.headers)

    def test_crud_roundtrip(self):
        r = self.call("GET", "/todos")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, [])

        r = self.call("POST", "/todos", {"title": "a todo"})
        self.assertEqual(r.status, 201, r.body)
        a = r.body
        self.assertBackendTodo(a, "a todo", False)

        r = self.call("POST", "/todos", {"title": "ordered", "order": 523})
        self.assertEqual(r.status, 201, r.body)
        b = r.body
        self.assertBackendTodo(b, "ordered", False, 523)

        r = self.call("GET", "/todos")
        self.assertEqual(r.status, 200)
        self.assertIsInstance(r.body, list)
        self.assertCountEqual([t["url"] for t in r.body],
                              [a["url"], b["url"]])
        for t in r.body:
            self.assertTrue(t["url"].startswith(self.base + "/todos/"))

        r = self.follow("GET", a["url"])
        self.assertEqual(r.status, 200)
        self.assertBackendTodo(r.body, "a todo", False)
        self.assertEqual(r.body["url"], a["url"])

        r = self.follow("PATCH", a["url"], {"title": "changed",
                                            "completed": True})
        self.assertEqual(r.status, 200, r.body)
        self.assertBackendTodo(r.body, "changed", True)
        r = self.follow("PATCH", a["url"], {"order": 95})
        self.assertEqual(r.status, 200, r.body)
        self.assertBackendTodo(r.body, "changed", True, 95)
        r = self.follow("GET", a["url"])
        self.assertBackendTodo(r.body, "changed", True, 95)

        r = self.follow("DELETE", a["url"])
        self.assertIn(r.status, (200, 204))
        r = self.follow("GET", a["url"])
        self.assertEqual(r.status, 404)
        r = self.call("GET", "/todos")
        self.assertEqual([t["url"] for t in r.body], [b["url"]])

    def test_delete_all(self):
        for i in range(3):
            r = self.call("POST", "/todos", {"title": f"t{i}"})
            self.assertEqual(r.status, 201, r.body)
        r = self.call("DELETE", "/todos")
        self.assertIn(r.status, (200, 204))
        r = self.call("GET", "/todos")
        self.assertEqual(r.body, [])
        # the shared store agrees
        self.assertEqual(self.srv.list_all(), [])

    def test_errors_carry_cors_header(self):
        r = self.call("GET", "/todos/no-such-id")
        self.assertEqual(r.status, 404)
        r = self.call("PATCH", "/todos/no-such-id", {"title": "x"})
        self.assertEqual(r.status, 404)
        r = self.call("POST", "/todos", {"title": 5})
        self.assertEqual(r.status, 400)
        r = self.call("POST", "/todos", b"{nope")
        self.assertEqual(r.status, 400)

    def test_url_is_built_from_host_header(self):
        # Local mode serves loopback Host values only (DNS rebinding).
        r = http_request(self.srv.port, "POST", "/todos", {"title": "h"},
                         {"Host": "localhost:8080"})
        self.assertEqual(r.status, 201, r.body)
        self.assertRegex(r.body["url"], r"^http://localhost:8080/todos/[^/]+$")
        path = urllib.parse.urlsplit(r.body["url"]).path
        r = http_request(self.srv.port, "GET", "/todos", None,
                         {"Host": "[::1]"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual([t["url"] for t in r.body],
                         [f"http://[::1]{path}"])
        r = self.call("GET", path)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["url"], f"{self.base}{path}")


if __name__ == "__main__":
    unittest.main()
