"""Quick add over HTTP (issue #18): `POST /api/v1/quick-add` parses one
line offline and creates the todo, `?dry_run=true` shows the body and the
spans; relative dates resolve in the request's zone, else the user's
(`PATCH /api/v1/me`), else UTC. The grammar itself is tested phrase by
phrase in tests/domain/quick_add_test.cpp."""

import datetime
from zoneinfo import ZoneInfo

from actodo_fixture import ActodoTestCase

WAIT = {"Prefer": "wait=10"}


def tomorrow_at(zone, hour):
    """Tomorrow at `hour`:00 in `zone`, as the API renders a due."""
    now = datetime.datetime.now(ZoneInfo(zone))
    day = now.date() + datetime.timedelta(days=1)
    local = datetime.datetime(day.year, day.month, day.day, hour,
                              tzinfo=ZoneInfo(zone))
    return local.isoformat()


def tomorrow(zone):
    now = datetime.datetime.now(ZoneInfo(zone))
    return (now.date() + datetime.timedelta(days=1)).isoformat()


class QuickAddTest(ActodoTestCase):
    def quick(self, srv, text, status=200, dry_run=True, **body):
        path = "/api/v1/quick-add" + ("?dry_run=true" if dry_run else "")
        r = srv.request("POST", path, dict(body, text=text), WAIT)
        self.assertEqual(r.status, status, r.body)
        return r.body

    def test_dry_run_shows_body_and_spans(self):
        srv = self.server()
        home = srv.request("POST", "/api/v1/projects", {"name": "Home"},
                           WAIT).body["id"]
        # The due is computed before and after the request: either is
        # right should the day change in between.
        before = tomorrow_at("Europe/Berlin", 17)
        out = self.quick(srv, "Café call mom tomorrow at 5pm #family "
                              "+home p1 remind me 15 min before",
                         time_zone="Europe/Berlin")
        after = tomorrow_at("Europe/Berlin", 17)
        todo = out["todo"]
        self.assertIn(todo.pop("due"), {before, after})
        self.assertEqual(todo, {
            "title": "Café call mom", "time_zone": "Europe/Berlin",
            "tags": ["family"], "project_id": home, "priority": "urgent",
            "reminders": [{"offset": "-PT15M"}]})
        # Code points, `end` exclusive: "Café" is 4 of them, 5 bytes.
        self.assertEqual(out["spans"], [
            {"start": 14, "end": 22, "kind": "date"},
            {"start": 23, "end": 29, "kind": "time"},
            {"start": 30, "end": 37, "kind": "tag"},
            {"start": 38, "end": 43, "kind": "project"},
            {"start": 44, "end": 46, "kind": "priority"},
            {"start": 47, "end": 70, "kind": "reminder"}])
        # `project_id` is where the todo goes unless the text names one.
        work = srv.request("POST", "/api/v1/projects", {"name": "Work"},
                           WAIT).body["id"]
        out = self.quick(srv, "file taxes", project_id=work)
        self.assertEqual(out["todo"], {"title": "file taxes",
                                       "project_id": work})
        out = self.quick(srv, "file taxes +home", project_id=work)
        self.assertEqual(out["todo"]["project_id"], home)
        created = self.quick(srv, "plan offsite", status=201, dry_run=False,
                             project_id=work)
        self.assertEqual(created["project_id"], work)
        r = srv.request("POST", "/api/v1/quick-add",
                        {"text": "x", "project_id": "p_nope"}, WAIT)
        self.assertEqual((r.status, r.body.get("field")), (400, "project_id"))
        srv.request("DELETE", f"/api/v1/todos/{created['id']}", None, WAIT)
        # An unknown project stays in the title; a dry run creates nothing.
        out = self.quick(srv, "tidy +garage")
        self.assertEqual(out, {"todo": {"title": "tidy +garage"},
                               "spans": []})
        self.assertEqual(srv.list_all(), [])

    def test_creates_the_todo_and_uses_the_users_zone(self):
        srv = self.server()
        r = srv.request("PATCH", "/api/v1/me",
                        {"time_zone": "America/New_York"}, WAIT)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["time_zone"], "America/New_York")
        before = tomorrow("America/New_York")
        created = self.quick(srv, "pay rent tomorrow every month !high",
                             status=201, dry_run=False)
        after = tomorrow("America/New_York")
        self.assertTodo(created, title="pay rent", priority="high",
                        time_zone="America/New_York")
        self.assertIn(created["due"], {before, after})
        self.assertIsNotNone(created["recurrence"])
        self.assertIn("FREQ=MONTHLY", created["recurrence"]["rrule"])
        self.assertEqual([t["id"] for t in srv.list_all()], [created["id"]])
        # Without Prefer: wait it is a command like any other: 202.
        r = srv.request("POST", "/api/v1/quick-add", {"text": "later"})
        self.assertEqual(r.status, 202, r.body)
        self.assertEqual(r.headers["location"],
                         "/api/v1/requests/" + r.body["request_id"])
        # The request's zone wins over the user's; null is UTC.
        out = self.quick(srv, "x tomorrow", time_zone="Asia/Tokyo")
        self.assertEqual(out["todo"]["time_zone"], "Asia/Tokyo")
        r = srv.request("PATCH", "/api/v1/me", {"time_zone": None}, WAIT)
        self.assertEqual(r.status, 200, r.body)
        self.assertIsNone(r.body["time_zone"])
        out = self.quick(srv, "x tomorrow")
        self.assertNotIn("time_zone", out["todo"])
        # The zone survives a restart (it is part of the user's state).
        srv.request("PATCH", "/api/v1/me", {"time_zone": "Europe/Paris"},
                    WAIT)
        srv.restart()
        self.assertEqual(srv.get("/api/v1/me").body["time_zone"],
                         "Europe/Paris")

    def test_refusals_name_the_field(self):
        srv = self.server()
        cases = [
            ("/api/v1/quick-add", {}, "text"),
            ("/api/v1/quick-add", {"text": 5}, "text"),
            ("/api/v1/quick-add", {"text": "   "}, "text"),
            ("/api/v1/quick-add", {"text": "tomorrow 5pm"}, "text"),
            ("/api/v1/quick-add", {"text": "x" * 501}, "text"),
            ("/api/v1/quick-add", {"text": "x", "time_zone": "Mars/Base"},
             "time_zone"),
            ("/api/v1/quick-add", {"text": "x", "title": "y"}, "title"),
            ("/api/v1/quick-add?dry_run=maybe", {"text": "x"}, "dry_run"),
            ("/api/v1/me", {"time_zone": "Nowhere"}, "time_zone"),
            ("/api/v1/me", {"username": "x"}, "username"),
            ("/api/v1/me", {"colour": "x"}, "colour"),
        ]
        for path, body, field in cases:
            method = "PATCH" if path == "/api/v1/me" else "POST"
            r = srv.request(method, path, body, WAIT)
            self.assertEqual(r.status, 400, (path, body, r.body))
            self.assertEqual(r.headers["content-type"],
                             "application/problem+json")
            self.assertEqual(r.body.get("field"), field, (path, body, r.body))
        r = srv.request("POST", "/api/v1/quick-add", b'{"text":"x"}',
                        {"Content-Type": "text/plain"})
        self.assertEqual((r.status, r.body.get("field")),
                         (415, "Content-Type"), r.body)
        self.assertEqual(srv.list_all(), [])
