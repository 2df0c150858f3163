"""The notifications feed (issue #18): fired reminders, ended series,
finished and failed imports and disabled webhooks are kept per user;
`POST /api/v1/notifications/read` marks them read; every session hears the
unread count; one user never sees another's."""

import datetime
import http.server
import json
import os
import re
import sqlite3
import subprocess
import threading
import time

import pg_databases
from actodo_fixture import (PG_DIR, WAIT, ActodoTestCase, has_event,
                            recv_until)


def rfc3339(epoch):
    t = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def count_frame(frames):
    return any(f.get("type") == "notifications" for f in frames)


def count_frames(frames):
    return [f for f in frames if f.get("type") == "notifications"]


class FailingReceiver:
    """A webhook endpoint on 127.0.0.1 that answers every POST with 500."""

    def __init__(self):
        self.posts = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.posts += 1
                body = b'{"error":"always"}'
                self.send_response(500)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def spoil_job_payload(srv, job_id, payload):
    """Replaces the stored upload of an unfinished job (the server is not
    running) so that it can no longer be read; returns the job's state."""
    if PG_DIR:
        uri = pg_databases.pg_store_for(srv.data_dir)
        out = subprocess.run(
            ["/usr/lib/postgresql/15/bin/psql", "-X", "-q", "-t", "-A",
             "-v", "ON_ERROR_STOP=1", "-v", f"id={job_id}",
             "-v", f"payload={payload.decode()}", uri],
            input="UPDATE jobs SET payload = convert_to(:'payload', 'UTF8') "
                  "WHERE id = :'id' RETURNING state;\n",
            check=True, capture_output=True, text=True, timeout=60)
        rows = out.stdout.split()
        return rows[0] if rows else None
    db = sqlite3.connect(os.path.join(srv.data_dir, "actodo.db"), timeout=10)
    try:
        with db:
            row = db.execute("SELECT state FROM jobs WHERE id = ?",
                             (job_id,)).fetchone()
            db.execute("UPDATE jobs SET payload = ? WHERE id = ?",
                       (payload, job_id))
        return row[0] if row else None
    finally:
        db.close()


class NotificationTest(ActodoTestCase):
    def feed(self, srv, query="", headers=None):
        r = srv.get("/api/v1/notifications" + query, headers)
        self.assertEqual(r.status, 200, r.body)
        return r.body

    def wait_feed(self, srv, n, query="", headers=None):
        deadline = time.time() + 15
        while True:
            body = self.feed(srv, query, headers)
            if len(body["items"]) >= n:
                return body
            self.assertLess(time.time(), deadline, body)
            time.sleep(0.05)

    def wait_kind(self, srv, kind, headers=None, timeout=30):
        """Polls the feed until a notification of `kind` is in it; returns
        the feed."""
        deadline = time.time() + timeout
        while True:
            body = self.feed(srv, headers=headers)
            if any(i["kind"] == kind for i in body["items"]):
                return body
            self.assertLess(time.time(), deadline, body)
            time.sleep(0.05)

    def event_of(self, srv, type_, subject, headers=None):
        """The one event of `type_` about `subject` in the user's log."""
        r = srv.get("/api/v1/events?after=0&limit=1000", headers)
        self.assertEqual(r.status, 200, r.body)
        found = [e for e in r.body["items"]
                 if e["type"] == type_ and e["subject"] == subject]
        self.assertEqual(len(found), 1, r.body["items"])
        return found[0]

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

    def test_an_ended_series_is_noticed_once(self):
        srv = self.server()
        ws = srv.ws()
        self.assertEqual(json.loads(ws.recv())["type"], "welcome")
        first = srv.create("water the plants", due="2030-01-01",
                           recurrence={"rrule": "FREQ=DAILY;COUNT=2"})
        done = srv.patch(first["id"], {"completed": True})
        second = srv.get_todo(done["recurrence"]["next_id"])
        self.assertEqual(second["recurrence"]["index"], 2)
        # The series goes on: nothing for the person yet.
        self.assertEqual(self.feed(srv),
                         {"items": [], "unread": 0, "read_up_to": 0})
        last = srv.patch(second["id"], {"completed": True})
        self.assertTrue(last["recurrence"]["ended"], last)
        self.assertEqual(last["recurrence"]["end_reason"], "count")
        frames = recv_until(ws, count_frame, timeout=15)
        self.assertEqual(len(count_frames(frames)), 1, frames)
        frame = count_frames(frames)[0]
        self.assertEqual(frame["unread"], 1, frame)
        body = self.wait_feed(srv, 1)
        self.assertEqual(body["unread"], 1)
        self.assertEqual(len(body["items"]), 1, body)
        item = body["items"][0]
        self.assertEqual(item, dict(frame["latest"], read=False))
        self.assertEqual((item["kind"], item["subject"], item["title"]),
                         ("series.ended", second["id"], "water the plants"))
        self.assertEqual(item["data"], {"todo_id": second["id"],
                                        "series_id": first["id"],
                                        "end_reason": "count"})
        # Its id is the sequence of the completion that ended the series.
        completed = self.event_of(srv, "todo.completed", second["id"])
        self.assertEqual(item["id"], completed["sequence"])
        self.assertTrue(completed["data"]["recurrence"]["ended"], completed)
        # Reopened and completed again, the ended series is not noticed
        # twice.
        srv.patch(second["id"], {"completed": False})
        srv.patch(second["id"], {"completed": True})
        self.assertEqual(self.feed(srv), body)
        srv.restart()
        self.assertEqual(self.feed(srv), body)

    def test_a_failed_import_is_noticed(self):
        # A job fails as a whole when its stored upload can no longer be
        # read as it is resumed: the upload is spoilt while the server is
        # down in the middle of the job.
        srv = self.server()
        n = 9000
        r = srv.request("POST", "/api/v1/imports",
                        json.dumps([{"title": f"bulk {i}"}
                                    for i in range(n)]).encode(),
                        {"Content-Type": "application/json"})
        self.assertEqual(r.status, 202, r.body)
        job = r.body["job_id"]
        # Running: nothing for the person yet.
        self.assertEqual(self.feed(srv),
                         {"items": [], "unread": 0, "read_up_to": 0})
        srv.kill9()
        state = spoil_job_payload(srv, job, b"[{not json")
        self.assertIn(state, ("queued", "running"),
                      "the job ended before the server was killed")
        srv.restart()
        deadline = time.time() + 30
        while True:
            view = srv.get(f"/api/v1/jobs/{job}").body
            if view["state"] not in ("queued", "running"):
                break
            self.assertLess(time.time(), deadline, view)
            time.sleep(0.05)
        self.assertEqual(view["state"], "failed", view)
        self.assertEqual(view["detail"],
                         "the stored file can no longer be read")
        self.assertEqual(view["total"], n)
        self.assertLess(view["done"], n)
        body = self.wait_kind(srv, "job.failed")
        self.assertEqual([i["kind"] for i in body["items"]], ["job.failed"])
        self.assertEqual(body["unread"], 1)
        item = body["items"][0]
        self.assertEqual((item["kind"], item["subject"], item["title"],
                          item["read"]),
                         ("job.failed", job, "Import failed", False))
        self.assertEqual(item["data"], {"job_id": job, "state": "failed",
                                        "total": n, "done": view["done"],
                                        "failed": view["failed"]})
        finished = self.event_of(srv, "job.finished", job)
        self.assertEqual(item["id"], finished["sequence"])
        self.assertEqual(finished["data"], item["data"])
        # A session opened now hears the count after its welcome.
        ws = srv.ws()
        self.assertEqual(json.loads(ws.recv())["type"], "welcome")
        frame = json.loads(ws.recv())
        self.assertEqual((frame["type"], frame["unread"]),
                         ("notifications", 1), frame)

    def test_a_disabled_webhook_is_noticed(self):
        srv = self.server(extra_args=[
            "--webhooks.allow-private", "--webhooks.retry-initial=200ms",
            "--webhooks.retry-max=1s", "--webhooks.retry-for=2s"])
        receiver = FailingReceiver()
        self.addCleanup(receiver.close)
        ws = srv.ws()
        self.assertEqual(json.loads(ws.recv())["type"], "welcome")
        r = srv.request("POST", "/api/v1/webhooks",
                        {"url": receiver.url, "events": ["todo.*"]})
        self.assertEqual(r.status, 201, r.body)
        hook = r.body
        todo = srv.create("never acknowledged")
        # Failing, not yet disabled (retry-for is 2 s): nothing noticed.
        deadline = time.time() + 15
        while True:
            with receiver.lock:
                if receiver.posts >= 1:
                    break
            self.assertLess(time.time(), deadline, "no delivery attempt")
            time.sleep(0.02)
        self.assertEqual(self.feed(srv),
                         {"items": [], "unread": 0, "read_up_to": 0})
        view = srv.get(f"/api/v1/webhooks/{hook['id']}").body
        self.assertTrue(view["enabled"], view)
        frames = recv_until(ws, count_frame, timeout=30)
        self.assertEqual(len(count_frames(frames)), 1, frames)
        frame = count_frames(frames)[0]
        self.assertEqual(frame["unread"], 1, frame)
        view = srv.get(f"/api/v1/webhooks/{hook['id']}").body
        self.assertFalse(view["enabled"], view)
        reason = view["disabled_reason"]
        self.assertRegex(reason, r"^event 1 failed \d+ times over \d+ s; "
                                 r"last: HTTP 500$")
        body = self.feed(srv)
        self.assertEqual(body["unread"], 1)
        self.assertEqual(len(body["items"]), 1, body)
        item = body["items"][0]
        self.assertEqual(item, dict(frame["latest"], read=False))
        self.assertEqual((item["kind"], item["subject"], item["title"]),
                         ("webhook.disabled", hook["id"], "Webhook disabled"))
        self.assertEqual(item["data"], {"id": hook["id"], "url": receiver.url,
                                        "reason": reason})
        disabled = self.event_of(srv, "webhook.disabled", hook["id"])
        self.assertEqual(item["id"], disabled["sequence"])
        self.assertEqual(disabled["data"], item["data"])
        self.assertNotEqual(item["subject"], todo["id"])

    def test_one_user_never_sees_anothers(self):
        srv = self.server(extra_args=["--auth=token"])

        def login(name):
            creds = {"username": name, "password": "correct horse battery"}
            r = srv.request("POST", "/api/v1/auth/register", creds)
            self.assertEqual(r.status, 201, r.body)
            r = srv.request("POST", "/api/v1/auth/login", creds)
            self.assertEqual(r.status, 200, r.body)
            token = r.body["access_token"]
            return token, {"Authorization": f"Bearer {token}"}

        a_token, alice = login("alice")
        b_token, bob = login("bob")

        def create(auth, title, **fields):
            r = srv.request("POST", "/api/v1/todos", dict(fields, title=title),
                            dict(auth, Prefer=WAIT))
            self.assertEqual(r.status, 201, r.body)
            return r.body

        def quiet_until_marker(sock, auth, title):
            """Frames up to the event of a todo the socket's user creates
            now: no count frame may be among them."""
            t = create(auth, title)
            frames = recv_until(sock, has_event(
                lambda e: e["subject"] == t["id"]), timeout=15)
            self.assertEqual(count_frames(frames), [], frames)

        ws_a = srv.ws(f"/api/v1/ws?access_token={a_token}")
        ws_b = srv.ws(f"/api/v1/ws?access_token={b_token}")
        for sock in (ws_a, ws_b):
            self.assertEqual(json.loads(sock.recv())["type"], "welcome")
        empty = {"items": [], "unread": 0, "read_up_to": 0}
        at = time.time() + 1.0
        a_todo = create(alice, "alice's call", reminders=[{"at": rfc3339(at)}])
        frames = recv_until(ws_a, count_frame, timeout=15)
        self.assertEqual(count_frames(frames)[-1]["unread"], 1, frames)
        a_body = self.feed(srv, headers=alice)
        self.assertEqual([(i["kind"], i["subject"], i["title"])
                          for i in a_body["items"]],
                         [("reminder", a_todo["id"], "alice's call")])
        a_item = a_body["items"][0]
        # Bob: an empty feed, no count on his session or on a new one, and
        # no event of Alice's in his log.
        self.assertEqual(self.feed(srv, headers=bob), empty)
        self.assertEqual(self.feed(srv, "?unread=true", headers=bob), empty)
        quiet_until_marker(ws_b, bob, "bob's marker")
        ws_b2 = srv.ws(f"/api/v1/ws?access_token={b_token}")
        self.assertEqual(json.loads(ws_b2.recv())["type"], "welcome")
        quiet_until_marker(ws_b2, bob, "bob's second marker")
        r = srv.get("/api/v1/events?after=0&limit=1000", bob)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual({e["type"] for e in r.body["items"]},
                         {"todo.created"}, r.body)
        # Bob's read names Alice's notification: Alice's stays unread.
        r = srv.request("POST", "/api/v1/notifications/read",
                        {"up_to": a_item["id"]}, dict(bob, Prefer=WAIT))
        self.assertEqual(r.status, 200, r.body)
        # Bob's feed is empty: nothing to read, and his later notifications
        # (ids below Alice's or not) still count as unread.
        self.assertEqual(r.body, {"unread": 0, "read_up_to": 0})
        self.assertEqual(self.feed(srv, headers=bob), empty)
        self.assertEqual(self.feed(srv, headers=alice), a_body)
        quiet_until_marker(ws_a, alice, "alice's marker")
        # Bob's own reminder reaches Bob alone.
        at = time.time() + 1.0
        b_todo = create(bob, "bob's call", reminders=[{"at": rfc3339(at)}])
        for sock in (ws_b, ws_b2):
            frames = recv_until(sock, lambda fs: any(
                f["latest"] is not None for f in count_frames(fs)),
                timeout=15)
            # Only this count: Bob's read of nothing changed no count.
            self.assertEqual(len(count_frames(frames)), 1, frames)
            frame = count_frames(frames)[-1]
            self.assertEqual(frame["unread"], 1, frame)
            self.assertEqual(frame["latest"]["subject"], b_todo["id"], frame)
        b_body = self.feed(srv, headers=bob)
        self.assertEqual([(i["kind"], i["subject"], i["title"], i["read"])
                          for i in b_body["items"]],
                         [("reminder", b_todo["id"], "bob's call", False)])
        self.assertEqual(b_body["unread"], 1)
        self.assertEqual(b_body["items"][0]["data"]["todo_id"], b_todo["id"])
        self.assertEqual(self.feed(srv, headers=alice), a_body)
        quiet_until_marker(ws_a, alice, "alice's last marker")
        # Without a token there is no feed at all.
        r = srv.get("/api/v1/notifications")
        self.assertEqual(r.status, 401, r.body)
