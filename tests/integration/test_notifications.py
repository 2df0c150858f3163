"""The notifications feed (issue #18): fired reminders, ended series and
finished imports are kept per user; `POST /api/v1/notifications/read`
marks them read; every session hears the unread count."""

import datetime
import json
import time

from actodo_fixture import WAIT, ActodoTestCase, recv_until


def rfc3339(epoch):
    t = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def count_frame(frames):
    return any(f.get("type") == "notifications" for f in frames)


class NotificationTest(ActodoTestCase):
    def feed(self, srv, query=""):
        r = srv.get("/api/v1/notifications" + query)
        self.assertEqual(r.status, 200, r.body)
        return r.body

    def wait_feed(self, srv, n, query=""):
        deadline = time.time() + 15
        while True:
            body = self.feed(srv, query)
            if len(body["items"]) >= n:
                return body
            self.assertLess(time.time(), deadline, body)
            time.sleep(0.05)

    def test_reminders_reach_the_feed_and_the_sessions(self):
        srv = self.server()
        ws = srv.ws(after=0)
        at = time.time() + 1.0
        todo = srv.create("call Bob", due=rfc3339(at + 600),
                          reminders=[{"at": rfc3339(at)}])
        other = srv.create("quiet")
        frames = recv_until(ws, count_frame, timeout=15)
        frame = frames[-1]
        self.assertEqual(frame["unread"], 1, frame)
        latest = frame["latest"]
        self.assertEqual((latest["kind"], latest["subject"], latest["title"]),
                         ("reminder", todo["id"], "call Bob"))
        body = self.feed(srv, "?unread=true")
        self.assertEqual(body["unread"], 1)
        self.assertEqual(len(body["items"]), 1)
        item = body["items"][0]
        self.assertEqual(item, dict(latest, read=False))
        self.assertEqual(item["data"]["todo_id"], todo["id"])
        self.assertEqual(item["data"]["reminder"], 0)
        self.assertEqual(item["data"]["due"], todo["due"])
        # Its id is the sequence of the todo.reminder.due event.
        events = srv.get("/api/v1/events?limit=1000").body["items"]
        due = [e for e in events if e["type"] == "todo.reminder.due"]
        self.assertEqual([e["sequence"] for e in due], [item["id"]])
        self.assertNotIn(other["id"],
                         [i["subject"] for i in body["items"]])
        # A new session hears the count right after its welcome.
        ws2 = srv.ws()
        first = json.loads(ws2.recv())
        self.assertEqual(first["type"], "welcome")
        second = json.loads(ws2.recv())
        self.assertEqual((second["type"], second["unread"]),
                         ("notifications", 1), second)
        # Read: the count goes to every session; the feed keeps the item.
        r = srv.request("POST", "/api/v1/notifications/read",
                        {"up_to": item["id"]}, {"Prefer": WAIT})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body, {"unread": 0, "read_up_to": item["id"]})
        for sock in (ws, ws2):
            frames = recv_until(sock, count_frame, timeout=10)
            self.assertEqual(frames[-1]["unread"], 0, frames[-1])
            self.assertIsNone(frames[-1]["latest"])
        self.assertEqual(self.feed(srv, "?unread=true")["items"], [])
        body = self.feed(srv)
        self.assertEqual([(i["id"], i["read"]) for i in body["items"]],
                         [(item["id"], True)])
        # Never back: a lower up_to changes nothing.
        r = srv.request("POST", "/api/v1/notifications/read", {"up_to": 0},
                        {"Prefer": WAIT})
        self.assertEqual(r.body["read_up_to"], item["id"])
        # Both survive a restart.
        srv.restart()
        self.assertEqual(self.feed(srv), body)

    def test_finished_import_and_the_cap(self):
        srv = self.server(extra_args=["--max-notifications=2"])
        for n in range(2):
            r = srv.request("POST", "/api/v1/imports",
                            json.dumps([{"title": f"imported {n}"}]).encode(),
                            {"Content-Type": "application/json"})
            self.assertEqual(r.status, 202, r.body)
            job = r.body["job_id"]
            body = self.wait_feed(srv, n + 1)
            item = body["items"][0]
            self.assertEqual((item["kind"], item["subject"], item["title"]),
                             ("job.done", job, "Import finished"))
            self.assertEqual(item["data"], {"job_id": job, "state": "done",
                                            "total": 1, "done": 1,
                                            "failed": 0})
        at = time.time() + 0.5
        srv.create("ping", reminders=[{"at": rfc3339(at)}])
        deadline = time.time() + 15
        while self.feed(srv)["items"][0]["kind"] != "reminder":
            self.assertLess(time.time(), deadline)
            time.sleep(0.05)
        # The oldest went: two kept, newest first.
        body = self.feed(srv)
        self.assertEqual([i["kind"] for i in body["items"]],
                         ["reminder", "job.done"])
        self.assertEqual(body["unread"], 2)
        ids = [i["id"] for i in body["items"]]
        self.assertEqual(ids, sorted(ids, reverse=True))
        srv.restart()
        self.assertEqual(self.feed(srv), body)

    def test_refusals_name_the_field(self):
        srv = self.server()
        for query, field in (("?unread=yes", "unread"), ("?limit=0", "limit"),
                             ("?limit=201", "limit"), ("?x=1", "x")):
            r = srv.get("/api/v1/notifications" + query)
            self.assertEqual((r.status, r.body.get("field")), (400, field),
                             r.body)
        for body, field in (({}, "up_to"), ({"up_to": -1}, "up_to"),
                            ({"up_to": "5"}, "up_to"),
                            ({"up_to": 1, "all": True}, "all")):
            r = srv.request("POST", "/api/v1/notifications/read", body)
            self.assertEqual((r.status, r.body.get("field")), (400, field),
                             r.body)
        r = srv.request("POST", "/api/v1/notifications/read", b'{"up_to":1}',
                        {"Content-Type": "text/plain"})
        self.assertEqual(r.status, 415, r.body)
