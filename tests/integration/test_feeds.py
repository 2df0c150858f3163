"""Read-only calendar feeds (issue #17): POST /api/v1/feeds gives a secret
URL /feeds/{token}.ics served without other authentication; revocable;
one user's token never shows another user's todos."""

import http.client
import time

import icalendar

from actodo_fixture import ActodoTestCase


def fetch(srv, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


class FeedTest(ActodoTestCase):
    def login(self, srv, name):
        creds = {"username": name, "password": "correct horse battery"}
        r = srv.request("POST", "/api/v1/auth/register", creds)
        self.assertEqual(r.status, 201, r.body)
        r = srv.request("POST", "/api/v1/auth/login", creds)
        self.assertEqual(r.status, 200, r.body)
        return {"Authorization": f"Bearer {r.body['access_token']}"}

    def create(self, srv, auth, title):
        r = srv.request("POST", "/api/v1/todos", {"title": title},
                        dict(auth, Prefer="wait=10"))
        self.assertEqual(r.status, 201, r.body)

    def test_a_feed_serves_its_users_todos_until_revoked(self):
        srv = self.server(extra_args=["--auth=token",
                                      "--feeds.max-per-user=2"])
        alice = self.login(srv, "alice")
        bob = self.login(srv, "bob")
        self.create(srv, alice, "alice's task")
        self.create(srv, bob, "bob's task")
        r = srv.request("POST", "/api/v1/feeds", {"description": "phone"},
                        alice)
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.headers.get("cache-control"), "no-store")
        url, feed_id = r.body["url"], r.body["id"]
        self.assertRegex(url, r"^/feeds/[A-Za-z0-9_-]{43}\.ics$")
        # No token, no other header: the URL alone.
        status, headers, body = fetch(srv, url)
        self.assertEqual(status, 200, body[:200])
        self.assertTrue(headers["content-type"].startswith("text/calendar"))
        cal = icalendar.Calendar.from_ical(body)
        self.assertEqual([str(c["SUMMARY"]) for c in cal.walk("VTODO")],
                         ["alice's task"])
        # The list never shows the URL again.
        r = srv.request("GET", "/api/v1/feeds", headers=alice)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual([f["id"] for f in r.body["items"]], [feed_id])
        self.assertNotIn("url", r.body["items"][0])
        self.assertNotIn(url.split("/")[-1][:-4], str(r.body))
        r = srv.request("GET", "/api/v1/feeds", headers=bob)
        self.assertEqual(r.body["items"], [])
        # Bob cannot revoke it; Alice can, and it stops at once.
        r = srv.request("DELETE", f"/api/v1/feeds/{feed_id}", headers=bob)
        self.assertProblem(r, 404)
        r = srv.request("DELETE", f"/api/v1/feeds/{feed_id}", headers=alice)
        self.assertEqual(r.status, 204)
        status, _, _ = fetch(srv, url)
        self.assertEqual(status, 404)
        # The limit.
        for _ in range(2):
            r = srv.request("POST", "/api/v1/feeds", None, alice)
            self.assertEqual(r.status, 201, r.body)
        r = srv.request("POST", "/api/v1/feeds", None, alice)
        self.assertProblem(r, 409, "feeds")
        r = srv.request("POST", "/api/v1/feeds", {"description": 5}, bob)
        self.assertProblem(r, 400, "description")
        r = srv.request("POST", "/api/v1/feeds", {"colour": "x"}, bob)
        self.assertProblem(r, 400, "colour")

    def test_unknown_tokens_are_404_without_a_lookup_oracle(self):
        srv = self.server()
        r = srv.request("POST", "/api/v1/feeds", None)
        self.assertEqual(r.status, 201, r.body)
        good = r.body["url"]
        token = good[len("/feeds/"):-len(".ics")]
        flipped = ("A" if token[0] != "A" else "B") + token[1:]
        for path in (f"/feeds/{flipped}.ics", f"/feeds/{token}",
                     f"/feeds/{token}.ICS", "/feeds/short.ics",
                     "/feeds/" + "x" * 5000 + ".ics"):
            status, _, body = fetch(srv, path)
            self.assertEqual(status, 404, path[:80])
        status, _, _ = fetch(srv, good)
        self.assertEqual(status, 200)
        # A restart keeps the feed (only its hash is stored).
        srv.restart()
        time.sleep(0.1)
        status, _, _ = fetch(srv, good)
        self.assertEqual(status, 200)
