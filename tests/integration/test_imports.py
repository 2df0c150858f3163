"""Import jobs (issue #17): POST /api/v1/imports with iCalendar, JSON or
CSV; progress as `job` frames and GET /api/v1/jobs/{id}; per-item errors;
UID re-import; cancel; resume after kill -9; export -> import round trips
into another account. The iCalendar input is written by Python's
`icalendar` (Debian's python3-icalendar), another tool than ours."""

import csv
import datetime
import http.client
import io
import json
import socket
import time
import unittest
import zoneinfo

import icalendar

from actodo_fixture import ActodoTestCase

SERVER_FIELDS = ("id", "version", "created_at", "updated_at", "completed_at")
CSV_SERVER_COLUMNS = ("id", "created_at", "updated_at", "completed_at")


def raw_get(srv, path, headers=None):
    """The body bytes of a GET (an export), unparsed."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
    try:
        conn.request("GET", path, headers=headers or {})
        r = conn.getresponse()
        body = r.read()
        assert r.status == 200, (r.status, body[:300])
        return body
    finally:
        conn.close()


def ics_of(*todos):
    cal = icalendar.Calendar()
    cal.add("prodid", "-//actodo tests//python icalendar//EN")
    cal.add("version", "2.0")
    for t in todos:
        cal.add_component(t)
    return cal.to_ical()


def vtodo(uid, summary, **props):
    t = icalendar.Todo()
    t.add("uid", uid)
    if summary is not None:
        t.add("summary", summary)
    for key, value in props.items():
        if key == "alarms":
            for trigger, params in value:
                alarm = icalendar.Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("description", "reminder")
                alarm.add("trigger", trigger, parameters=params)
                t.add_component(alarm)
        else:
            t.add(key.replace("_", "-"), value)
    return t


class ImportTest(ActodoTestCase):
    # -- helpers -----------------------------------------------------------

    def post_import(self, srv, body, media_type, headers=None):
        h = {"Content-Type": media_type}
        h.update(headers or {})
        return srv.request("POST", "/api/v1/imports", body, h)

    def start_import(self, srv, body, media_type, headers=None):
        r = self.post_import(srv, body, media_type, headers)
        self.assertEqual(r.status, 202, r.body)
        self.assertEqual(r.body["state"], "queued")
        self.assertEqual(r.headers["location"],
                         "/api/v1/jobs/" + r.body["job_id"])
        return r.body["job_id"]

    def wait_job(self, srv, job_id, headers=None, states=("done",),
                 timeout=60.0):
        deadline = time.monotonic() + timeout
        while True:
            r = srv.request("GET", f"/api/v1/jobs/{job_id}", headers=headers)
            self.assertEqual(r.status, 200, r.body)
            if r.body["state"] in ("done", "failed", "cancelled"):
                self.assertIn(r.body["state"], states, r.body)
                return r.body
            self.assertLess(time.monotonic(), deadline, r.body)
            time.sleep(0.05)

    def job_frames(self, ws, job_id, until_state="done"):
        """The `job` frames of one job until it reaches `until_state`."""
        frames = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            frame = json.loads(ws.recv())
            if frame.get("type") != "job" or frame["job_id"] != job_id:
                continue
            frames.append(frame)
            if frame["state"] == until_state:
                return frames
        self.fail(f"no {until_state} frame: {frames}")

    # -- iCalendar from another tool ----------------------------------------

    def test_ics_from_another_tool_imports_with_progress_frames(self):
        srv = self.server()
        berlin = zoneinfo.ZoneInfo("Europe/Berlin")
        todos = [
            vtodo("full-1@example.com", "Pay rent",
                  description="transfer, not cash",
                  due=datetime.datetime(2027, 3, 1, 9, 0, tzinfo=berlin),
                  priority=2, categories=["home", "money"],
                  rrule={"freq": "monthly", "bymonthday": 1},
                  alarms=[(datetime.timedelta(minutes=-15),
                           {"RELATED": "END"}),
                          (datetime.datetime(2027, 2, 28, 18, 0,
                                             tzinfo=datetime.timezone.utc),
                           {})]),
            vtodo("date-2@example.com", "Send cards",
                  due=datetime.date(2026, 12, 20), priority=9),
            vtodo("done-3@example.com", "Old task", status="COMPLETED",
                  priority=5),
        ]
        todos[0]["DUE"].params["TZID"] = "Europe/Berlin"
        ws = srv.ws()
        self.assertEqual(json.loads(ws.recv())["type"], "welcome")
        job = self.start_import(srv, ics_of(*todos), "text/calendar")
        frames = self.job_frames(ws, job)
        last = frames[-1]
        self.assertEqual((last["done"], last["total"], last["failed"]),
                         (3, 3, 0), frames)
        dones = [f["done"] for f in frames]
        self.assertEqual(dones, sorted(dones))
        view = self.wait_job(srv, job)
        self.assertEqual(view["errors"], [])
        self.assertEqual(view["format"], "ics")
        by_title = {t["title"]: t for t in srv.list_all()}
        self.assertEqual(set(by_title), {"Pay rent", "Send cards",
                                         "Old task"})
        rent = by_title["Pay rent"]
        self.assertEqual(rent["notes"], "transfer, not cash")
        self.assertEqual(rent["time_zone"], "Europe/Berlin")
        self.assertEqual(rent["due"], "2027-03-01T09:00:00+01:00")
        self.assertEqual(rent["priority"], "high")
        self.assertEqual(rent["tags"], ["home", "money"])
        self.assertIn("FREQ=MONTHLY", rent["recurrence"]["rrule"])
        self.assertIn("BYMONTHDAY=1", rent["recurrence"]["rrule"])
        self.assertEqual([r.get("offset") or r.get("at")
                          for r in rent["reminders"]],
                         ["-PT15M", "2027-02-28T18:00:00Z"])
        cards = by_title["Send cards"]
        self.assertEqual(cards["due"], "2026-12-20")
        self.assertEqual(cards["priority"], "low")
        self.assertTrue(by_title["Old task"]["completed"])
        self.assertEqual(by_title["Old task"]["priority"], "medium")
        # Our export parses back with the other tool.
        cal = icalendar.Calendar.from_ical(
            raw_get(srv, "/api/v1/export?format=ics"))
        out = {str(c["SUMMARY"]): c for c in cal.walk("VTODO")}
        self.assertEqual(set(out), set(by_title))
        self.assertEqual(int(out["Pay rent"]["PRIORITY"]), 3)
        self.assertEqual(out["Pay rent"]["DUE"].dt,
                         datetime.datetime(2027, 3, 1, 9, 0, tzinfo=berlin))

    def test_reimported_uid_updates_the_todo(self):
        srv = self.server()
        first = ics_of(vtodo("same@example.com", "Draft", priority=1,
                             categories=["a"]),
                       vtodo("other@example.com", "Other"))
        self.wait_job(srv, self.start_import(srv, first, "text/calendar"))
        before = {t["title"]: t for t in srv.list_all()}
        again = ics_of(vtodo("same@example.com", "Final"))
        self.wait_job(srv, self.start_import(srv, again, "text/calendar"))
        after = {t["title"]: t for t in srv.list_all()}
        self.assertEqual(set(after), {"Final", "Other"})
        self.assertEqual(after["Final"]["id"], before["Draft"]["id"])
        # A replacement: what the new file does not say is reset.
        self.assertEqual(after["Final"]["priority"], "none")
        self.assertEqual(after["Final"]["tags"], [])
        # Our own export imported into the same account updates as well.
        own = raw_get(srv, "/api/v1/export?format=ics")
        self.wait_job(srv, self.start_import(srv, own, "text/calendar"))
        self.assertEqual(len(srv.list_all()), 2)

    # -- malformed input ------------------------------------------------------

    def test_bad_items_are_reported_and_the_others_applied(self):
        srv = self.server()
        rows = ("title,priority,tags,due,completed\r\n"
                "ok one,high,a,2026-12-01,false\r\n"
                "bad priority,extreme,,,\r\n"
                ",low,,,\r\n"
                "too,many,fields,here,true,extra\r\n"
                "bad due,low,,2026-13-45,\r\n"
                "\"ok, two\",none,\"x,y\",,true\r\n")
        job = self.start_import(srv, rows, "text/csv")
        view = self.wait_job(srv, job)
        self.assertEqual((view["total"], view["done"], view["failed"]),
                         (6, 6, 4), view)
        metrics = srv.get("/metrics").body
        metrics = metrics.decode() if isinstance(metrics, bytes) else metrics
        for line in ("actodo_import_items_total 6",
                     "actodo_import_item_failures_total 4",
                     "actodo_import_jobs_finished_total 1",
                     "actodo_import_jobs_running 0"):
            self.assertIn(line + "\n", metrics)
        errors = {e["index"]: e for e in view["errors"]}
        self.assertEqual(sorted(errors), [1, 2, 3, 4])
        self.assertEqual(errors[1]["field"], "priority")
        self.assertEqual(errors[2]["field"], "title")
        self.assertEqual(errors[4]["field"], "due")
        titles = sorted(t["title"] for t in srv.list_all())
        self.assertEqual(titles, ["ok one", "ok, two"])
        two = [t for t in srv.list_all() if t["title"] == "ok, two"][0]
        self.assertEqual(two["tags"], ["x", "y"])
        self.assertTrue(two["completed"])

        items = [{"title": "json ok"}, {"title": 5},
                 {"title": "tags wrong", "tags": "notalist"}, "not an object",
                 {"title": "unknown", "colour": "red"},
                 {"title": "json ok 2", "priority": "low"},
                 {"title": "index 0", "due": "2026-12-01",
                  "recurrence": {"rrule": "FREQ=DAILY", "index": 0}},
                 {"title": "ended why", "due": "2026-12-01",
                  "recurrence": {"rrule": "FREQ=DAILY", "ended": True}},
                 {"title": "state", "reminders": [
                     {"at": "2027-01-01T00:00:00Z", "state": "gone"}]},
                 {"title": "fired when", "reminders": [
                     {"at": "2027-01-01T00:00:00Z", "state": "fired",
                      "fired_at": "yesterday"}]}]
        view = self.wait_job(srv, self.start_import(srv, json.dumps(items),
                                                    "application/json"))
        self.assertEqual((view["total"], view["failed"]), (10, 8), view)
        fields = {e["index"]: e["field"] for e in view["errors"]}
        self.assertEqual(fields, {1: "title", 2: "tags", 3: "", 4: "colour",
                                  6: "recurrence/index",
                                  7: "recurrence/end_reason",
                                  8: "reminders/0/state",
                                  9: "reminders/0/fired_at"})

        broken = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
                  b"BEGIN:VTODO\r\nUID:a\r\nSUMMARY:fine\r\nEND:VTODO\r\n"
                  b"BEGIN:VTODO\r\nUID:b\r\nDESCRIPTION:no summary\r\n"
                  b"END:VTODO\r\n"
                  b"BEGIN:VTODO\r\nUID:c\r\nSUMMARY:bad zone\r\n"
                  b"DUE;TZID=Mars/Olympus:20261201T090000\r\nEND:VTODO\r\n"
                  b"END:VCALENDAR\r\n")
        view = self.wait_job(srv, self.start_import(srv, broken,
                                                    "text/calendar"))
        self.assertEqual((view["total"], view["failed"]), (3, 2), view)
        fields = {e["index"]: e["field"] for e in view["errors"]}
        self.assertEqual(fields, {1: "title", 2: "time_zone"})

        titles = sorted(t["title"] for t in srv.list_all())
        self.assertEqual(titles, ["fine", "json ok", "json ok 2", "ok one",
                                  "ok, two"])

        # Broken structure: each broken VTODO is an error of its own (the
        # line that shows it), the well-formed ones are applied.
        torn = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
                b"BEGIN:VTODO\r\nUID:t1\r\nSUMMARY:whole one\r\n"
                b"END:VTODO\r\n"
                b"BEGIN:VTODO\r\nUID:t2\r\nSUMMARY:never ends\r\n"
                b"BEGIN:VTODO\r\nUID:t3\r\nSUMMARY:whole two\r\n"
                b"END:VTODO\r\n"
                b"BEGIN:VTODO\r\nUID:t4\r\nSUMMARY:stray end\r\n"
                b"END:VALARM\r\nEND:VTODO\r\n"
                b"BEGIN:VTODO\r\nUID:t5\r\nSUMMARY:open alarm\r\n"
                b"BEGIN:VALARM\r\nACTION:DISPLAY\r\nEND:VTODO\r\n"
                b"BEGIN:VTODO\r\nUID:t6\r\nSUMMARY:cut off\r\n"
                b"END:VCALENDAR\r\n")
        view = self.wait_job(srv, self.start_import(srv, torn,
                                                    "text/calendar"))
        self.assertEqual((view["total"], view["failed"]), (6, 4), view)
        details = {e["index"]: (e["field"], e["detail"])
                   for e in view["errors"]}
        prefix = "the VTODO is not well formed: line "
        self.assertEqual(details, {
            1: ("", prefix + "11: BEGIN:VTODO before END:VTODO"),
            3: ("", prefix + "18: END:VALARM where END:VTODO is missing"),
            4: ("", prefix + "25: END:VTODO where END:VALARM is missing"),
            5: ("", prefix + "29: END:VCALENDAR where END:VTODO is missing"),
        })
        titles = sorted(t["title"] for t in srv.list_all())
        self.assertIn("whole one", titles)
        self.assertIn("whole two", titles)
        for gone in ("never ends", "stray end", "open alarm", "cut off"):
            self.assertNotIn(gone, titles)

    def test_parent_links_of_a_file_become_subtasks(self):
        srv = self.server()
        items = [
            {"id": "child", "title": "child", "parent_id": "root"},
            {"id": "lost", "title": "lost", "parent_id": "nowhere"},
            {"id": "b", "title": "b", "parent_id": "c"},
            {"id": "c", "title": "c", "parent_id": "b"},
            {"id": "under b", "title": "under b", "parent_id": "b"},
            {"id": "bad", "title": "bad", "priority": "extreme"},
            {"id": "orphan", "title": "orphan", "parent_id": "bad"},
            {"id": "root", "title": "root"},
            {"id": "grandchild", "title": "grandchild", "parent_id": "child"},
        ]
        view = self.wait_job(srv, self.start_import(srv, json.dumps(items),
                                                    "application/json"))
        self.assertEqual((view["total"], view["done"], view["failed"]),
                         (9, 9, 6), view)
        errors = {e["index"]: (e["field"], e["detail"])
                  for e in view["errors"]}
        self.assertEqual(errors, {
            1: ("parent_id", "no item of the file has this id"),
            2: ("parent_id",
                "the file's parent_id links form a cycle above this item"),
            3: ("parent_id",
                "the file's parent_id links form a cycle above this item"),
            4: ("parent_id",
                "the file's parent_id links form a cycle above this item"),
            5: ("priority", errors[5][1]),
            6: ("parent_id", "its parent, item 5, was not imported"),
        })
        todos = {t["title"]: t for t in srv.list_all()}
        self.assertEqual(sorted(todos), ["child", "grandchild", "root"])
        self.assertIsNone(todos["root"]["parent_id"])
        self.assertEqual(todos["child"]["parent_id"], todos["root"]["id"])
        self.assertEqual(todos["grandchild"]["parent_id"],
                         todos["child"]["id"])

    def test_files_that_cannot_be_read_are_refused(self):
        srv = self.server(extra_args=["--imports.max-items=5",
                                      "--imports.max-bytes=4096"])
        r = self.post_import(srv, '{"title":"not an array"}',
                             "application/json")
        self.assertProblem(r, 400, "body")
        r = self.post_import(srv, "[{\"title\":\"x\"}", "application/json")
        self.assertProblem(r, 400, "body")
        r = self.post_import(srv, "BEGIN:VTODO\r\nEND:VTODO\r\n",
                             "text/calendar")
        self.assertProblem(r, 400, "body")
        r = self.post_import(srv, "title,shade\r\nx,blue\r\n", "text/csv")
        self.assertProblem(r, 400, "body")
        r = self.post_import(srv, "title\nx\n", "text/plain")
        self.assertProblem(r, 415, "Content-Type")
        r = self.post_import(srv, "title\nx\n", "text/csv; charset=latin1")
        self.assertProblem(r, 415, "Content-Type")
        r = self.post_import(srv, json.dumps([{"title": str(i)}
                                              for i in range(6)]),
                             "application/json")
        self.assertProblem(r, 413, "items")
        r = self.post_import(srv, json.dumps([{"title": "one",
                                               "notes": "n" * 5000}]),
                             "application/json")
        self.assertProblem(r, 413, "body")
        self.assertIn("4096", r.body["detail"])
        self.assertEqual(srv.list_all(), [])

    def test_upload_limit_needs_authentication(self):
        srv = self.server(extra_args=["--auth=token", "--body-limit=1024",
                                      "--imports.max-bytes=65536"])
        body = json.dumps([{"title": f"item {i}"} for i in range(200)])
        self.assertGreater(len(body), 1024)
        # Anonymous: the ordinary limit applies, before any auth answer.
        r = self.post_import(srv, body, "application/json")
        self.assertProblem(r, 413, "body")
        self.assertIn("1024", r.body["detail"])
        token = self.login(srv, "uploader")
        auth = {"Authorization": f"Bearer {token}"}
        job = self.start_import(srv, body, "application/json", auth)
        view = self.wait_job(srv, job, headers=auth)
        self.assertEqual((view["done"], view["failed"]), (200, 0))
        # Other routes keep the ordinary limit.
        r = srv.request("POST", "/api/v1/todos",
                        {"title": "x" * 400, "notes": "y" * 2000}, auth)
        self.assertEqual(r.status, 413, r.body)

    def login(self, srv, name):
        creds = {"username": name, "password": "correct horse battery"}
        r = srv.request("POST", "/api/v1/auth/register", creds)
        self.assertEqual(r.status, 201, r.body)
        r = srv.request("POST", "/api/v1/auth/login", creds)
        self.assertEqual(r.status, 200, r.body)
        return r.body["access_token"]

    def test_an_upload_sent_again_with_its_key_is_the_same_job(self):
        srv = self.server()
        body = json.dumps([{"title": "once"}, {"title": "twice?"}])
        key = {"Idempotency-Key": "upload-7"}
        job = self.start_import(srv, body, "application/json", key)
        self.wait_job(srv, job)
        # The client lost the answer and sends it again.
        r = self.post_import(srv, body, "application/json", key)
        self.assertEqual(r.status, 202, r.body)
        self.assertEqual(r.body, {"job_id": job, "state": "done"})
        self.assertEqual(sorted(t["title"] for t in srv.list_all()),
                         ["once", "twice?"])
        r = self.post_import(srv, json.dumps([{"title": "other"}]),
                             "application/json", key)
        self.assertProblem(r, 422, "Idempotency-Key")
        r = self.post_import(srv, body, "application/json",
                             {"Idempotency-Key": "x" * 256})
        self.assertProblem(r, 400, "Idempotency-Key")
        self.assertEqual(len(srv.list_all()), 2)

    def test_uploads_at_once_are_bounded_and_100_continue_is_answered(self):
        srv = self.server(extra_args=["--imports.max-uploads=1"])
        body = json.dumps([{"title": "held"}]).encode()
        head = (f"POST /api/v1/imports HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Content-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n"
                f"Expect: 100-continue\r\n\r\n").encode()
        held = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        self.addCleanup(held.close)
        held.sendall(head)
        # The server asks for the body, holding the node's one upload place.
        self.assertEqual(held.recv(100), b"HTTP/1.1 100 Continue\r\n\r\n")
        r = self.post_import(srv, "[]", "application/json")
        self.assertEqual(r.status, 503, r.body)
        self.assertEqual(r.headers.get("retry-after"), "1")
        held.sendall(body)
        answer = held.recv(4096).decode()
        self.assertTrue(answer.startswith("HTTP/1.1 202"), answer)
        # Given back with the answer.
        self.wait_job(srv, self.start_import(srv, "[]", "application/json"))
        # Any other expectation: 417.
        with socket.create_connection(("127.0.0.1", srv.port),
                                      timeout=10) as other:
            other.sendall(head.replace(b"100-continue", b"200-ok"))
            answer = other.recv(4096).decode()
            self.assertTrue(answer.startswith("HTTP/1.1 417"), answer)
        self.assertEqual(sorted(t["title"] for t in srv.list_all()),
                         ["held"])

    def test_the_default_limits_take_an_import_of_100000_items(self):
        # --imports.max-items and --max-todos at their defaults: a file of
        # the largest allowed size lands whole.
        srv = self.server()
        n = 100000
        items = json.dumps([{"title": f"item {i}"} for i in range(n)])
        view = self.wait_job(srv, self.start_import(srv, items,
                                                    "application/json"),
                             timeout=300)
        self.assertEqual((view["total"], view["done"], view["failed"]),
                         (n, n, 0), view["errors"][:3])
        titles = {t["title"] for t in srv_list(srv, {})}
        self.assertEqual(len(titles), n)
        # One more is beyond --max-todos.
        r = srv.request("POST", "/api/v1/todos", {"title": "one more"},
                        {"Prefer": "wait=10"})
        self.assertProblem(r, 409, "todos")

    def test_jobs_beyond_max_running_wait_queued(self):
        srv = self.server(extra_args=["--imports.max-running=1"])
        first = self.start_import(srv, json.dumps(
            [{"title": f"first {i}"} for i in range(9000)]),
            "application/json")
        second = self.start_import(srv, json.dumps(
            [{"title": f"second {i}"} for i in range(50)]),
            "application/json")
        r = srv.request("GET", f"/api/v1/jobs/{second}")
        self.assertEqual(r.body["state"], "queued", r.body)
        self.assertEqual(r.body["done"], 0)
        self.assertEqual(self.wait_job(srv, first)["done"], 9000)
        self.assertEqual(self.wait_job(srv, second)["done"], 50)
        self.assertEqual(len(srv.list_all()), 9050)

    # -- jobs -----------------------------------------------------------------

    def test_cancel_and_active_limit_and_isolation(self):
        srv = self.server(extra_args=["--auth=token",
                                      "--imports.max-active=1"])
        alice = {"Authorization": f"Bearer {self.login(srv, 'alice')}"}
        bob = {"Authorization": f"Bearer {self.login(srv, 'bob')}"}
        big = json.dumps([{"title": f"bulk {i}"} for i in range(30000)])
        job = self.start_import(srv, big, "application/json", alice)
        r = self.post_import(srv, "[]", "application/json", alice)
        self.assertProblem(r, 409, "jobs")
        # Bob has his own allowance and cannot see Alice's job.
        self.wait_job(srv, self.start_import(srv, "[]", "application/json",
                                             bob), headers=bob)
        r = srv.request("GET", f"/api/v1/jobs/{job}", headers=bob)
        self.assertProblem(r, 404)
        r = srv.request("DELETE", f"/api/v1/jobs/{job}", headers=bob)
        self.assertProblem(r, 404)
        r = srv.request("DELETE", f"/api/v1/jobs/{job}", headers=alice)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["state"], "cancelled")
        self.assertLess(r.body["done"], 30000)
        time.sleep(1.0)
        view = self.wait_job(srv, job, headers=alice, states=("cancelled",))
        self.assertLess(view["done"], 30000)
        r = srv.request("DELETE", f"/api/v1/jobs/{job}", headers=alice)
        self.assertProblem(r, 409, "state")
        count = len(srv_list(srv, alice))
        self.assertLess(count, 30000)
        self.assertGreaterEqual(count, view["done"])
        # The allowance is free again.
        self.wait_job(srv, self.start_import(srv, "[]", "application/json",
                                             alice), headers=alice)

    def test_a_killed_server_resumes_the_job_without_duplicates(self):
        srv = self.server()
        n = 8000
        # Every 100th item has the next 99 as subtasks: links that cross
        # batches (256 items) and the restart.
        items = json.dumps([
            {"id": f"i{i}", "title": f"resume {i}"} if i % 100 == 0 else
            {"id": f"i{i}", "title": f"resume {i}",
             "parent_id": f"i{i - i % 100}"} for i in range(n)])
        ws = srv.ws()
        json.loads(ws.recv())
        job = self.start_import(srv, items, "application/json")
        # Kill it once some batches are in (and others in flight).
        frames = self.job_frames(ws, job, until_state="running")
        self.assertEqual(frames[-1]["total"], n)
        srv.kill9()
        srv.restart()
        view = self.wait_job(srv, job, timeout=120)
        self.assertEqual((view["done"], view["failed"]), (n, 0),
                         {k: v for k, v in view.items() if k != "errors"}
                         | {"errors": view["errors"][:3]})
        todos = srv.list_all()
        titles = [t["title"] for t in todos]
        self.assertEqual(len(titles), n)
        self.assertEqual(len(set(titles)), n)
        by_title = {t["title"]: t for t in todos}
        for i in range(n):
            parent = by_title[f"resume {i - i % 100}"]["id"] if i % 100 \
                else None
            self.assertEqual(by_title[f"resume {i}"]["parent_id"], parent, i)

    # -- round trips into another account --------------------------------------

    def fixture(self, srv, auth):
        def make(title, **fields):
            body = dict(fields, title=title)
            r = srv.request("POST", "/api/v1/todos", body,
                            dict(auth, Prefer="wait=10"))
            self.assertEqual(r.status, 201, r.body)
            return r.body
        make("plain")
        make('with, comma "quoted"; semi', notes="line1\nline2; semi",
             tags=["home", "b,c"], priority="high",
             due="2026-12-24T09:00:00+01:00", time_zone="Europe/Berlin",
             reminders=[{"offset": "-PT15M"}, {"at": "2026-12-24T07:00:00Z"}],
             order=2.5)
        make("weekly", due="2026-12-07T08:30:00-05:00",
             time_zone="America/New_York", priority="urgent",
             recurrence={"rrule": "FREQ=WEEKLY;BYDAY=MO",
                         "exdates": ["2026-12-14T08:30:00"]})
        make("date only", due="2026-12-31", priority="medium", tags=["[x]"])
        make("done", completed=True, priority="low")
        # A project with a tree of subtasks, one of them moved under a
        # newer todo (so the export lists it before its parent).
        r = srv.request("POST", "/api/v1/projects", {"name": "Garden"},
                        dict(auth, Prefer="wait=10"))
        self.assertEqual(r.status, 201, r.body)
        garden = r.body["id"]
        moved = make("moved child", project_id=garden)
        plant = make("plant", project_id=garden, priority="high")
        dig = make("dig", parent_id=plant["id"], tags=["spade"])
        make("seeds", parent_id=dig["id"], completed=True)
        late = make("late parent", project_id=garden)
        r = srv.request("PATCH", f"/api/v1/todos/{moved['id']}",
                        {"parent_id": late["id"]},
                        dict(auth, Prefer="wait=10"))
        self.assertEqual(r.status, 200, r.body)
        # Series part way through and ended: the copies go on from there.
        for title, rule in (("twice", "FREQ=DAILY;COUNT=2"),
                            ("once", "FREQ=DAILY;COUNT=1")):
            t = make(title, due="2026-12-01", recurrence={"rrule": rule})
            r = srv.request("PATCH", f"/api/v1/todos/{t['id']}",
                            {"completed": True}, dict(auth, Prefer="wait=10"))
            self.assertEqual(r.status, 200, r.body)
        # A reminder that fired here (a missed one fires at once) does not
        # fire again in the other account: its state and firing go along.
        fired = make("fired", due="2026-06-01T10:00:00Z",
                     reminders=[{"at": "2026-06-01T09:00:00Z"},
                                {"offset": "-PT2H"}])
        deadline = time.monotonic() + 15
        while True:
            r = srv.request("GET", f"/api/v1/todos/{fired['id']}",
                            headers=auth)
            states = [x["state"] for x in r.body["reminders"]]
            if states == ["fired", "fired"]:
                break
            self.assertLess(time.monotonic(), deadline, r.body)
            time.sleep(0.05)
        return 14

    def round_trip(self, fmt, media_type):
        srv = self.server(extra_args=["--auth=token"])
        alice = {"Authorization": f"Bearer {self.login(srv, 'alice')}"}
        bob = {"Authorization": f"Bearer {self.login(srv, 'bob')}"}
        n = self.fixture(srv, alice)
        exported = raw_get(srv, f"/api/v1/export?format={fmt}", alice)
        job = self.start_import(srv, exported, media_type, bob)
        view = self.wait_job(srv, job, headers=bob)
        self.assertEqual((view["total"], view["failed"]), (n, 0), view)
        again = raw_get(srv, f"/api/v1/export?format={fmt}", bob)
        self.assertNotEqual(again, exported)  # other ids and timestamps
        return exported, again

    def test_json_round_trip_is_exact(self):
        first, second = self.round_trip("json", "application/json")
        states = sorted((t["title"], t["recurrence"]["index"],
                         t["recurrence"]["ended"], t["completed"])
                        for t in json.loads(second)
                        if t["title"] in ("twice", "once"))
        fired = [t for t in json.loads(second) if t["title"] == "fired"]
        self.assertEqual([x["state"] for x in fired[0]["reminders"]],
                         ["fired", "fired"])
        self.assertEqual(states, [("once", 1, True, True),
                                  ("twice", 1, False, True),
                                  ("twice", 2, False, False)])
        def strip(raw):
            out = []
            todos = json.loads(raw)
            titles = {t["id"]: t["title"] for t in todos}
            # A subtask's parent by title: the ids are the account's own.
            self.assertEqual(len([t for t in todos if t["parent_id"]]), 3)
            for t in todos:
                t["parent_id"] = titles[t["parent_id"]] if t["parent_id"] \
                    else None
                t = {k: v for k, v in t.items()
                     if k not in SERVER_FIELDS + ("project_id",)}
                if t["recurrence"]:  # series links are the account's own
                    t["recurrence"].pop("series_id")
                    t["recurrence"].pop("next_id")
                out.append(json.dumps(t, sort_keys=True))
            return sorted(out)
        self.assertEqual(strip(second), strip(first))

    def test_csv_round_trip_is_exact(self):
        first, second = self.round_trip("csv", "text/csv")

        def strip(raw):
            rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"),
                                                   newline="")))
            titles = {row["id"]: row["title"] for row in rows}
            self.assertEqual(len([r for r in rows if r["parent_id"]]), 3)
            out = []
            for row in rows:
                row["parent_id"] = titles[row["parent_id"]] \
                    if row["parent_id"] else ""
                row = {k: v for k, v in row.items()
                       if k not in CSV_SERVER_COLUMNS}
                if row["recurrence"]:  # series links are the account's own
                    rec = json.loads(row["recurrence"])
                    rec.pop("series_id")
                    rec.pop("next_id")
                    row["recurrence"] = json.dumps(rec, sort_keys=True)
                out.append(json.dumps(row, sort_keys=True))
            return sorted(out)
        self.assertEqual(strip(second), strip(first))

    def test_ics_round_trip_keeps_the_todos(self):
        first, second = self.round_trip("ics", "text/calendar")

        def strip(raw):
            cal = icalendar.Calendar.from_ical(raw)
            todos = list(cal.walk("VTODO"))
            titles = {str(c["UID"]): str(c["SUMMARY"]) for c in todos}
            # Subtasks name their parent's UID; by title here.
            self.assertEqual(len([c for c in todos if "RELATED-TO" in c]), 3)
            out = []
            for c in todos:
                keys = sorted(k for k in c.keys()
                              if k not in ("UID", "DTSTAMP", "CREATED",
                                           "LAST-MODIFIED", "COMPLETED"))
                props = {k: prop_text(c[k]) for k in keys}
                if "RELATED-TO" in c:
                    self.assertEqual(c["RELATED-TO"].params["RELTYPE"],
                                     "PARENT")
                    props["RELATED-TO"] = titles[str(c["RELATED-TO"])]
                out.append(json.dumps(props, sort_keys=True))
            return sorted(out)
        self.assertEqual(strip(second), strip(first))


def prop_text(value):
    """A property's value as iCalendar text (a list for repeated ones)."""
    if isinstance(value, list):
        return [prop_text(x) for x in value]
    if hasattr(value, "to_ical"):
        out = value.to_ical()
        return out.decode() if isinstance(out, bytes) else out
    return str(value)


def srv_list(srv, headers):
    items, cursor = [], None
    while True:
        path = "/api/v1/todos?limit=500" + (f"&cursor={cursor}"
                                            if cursor else "")
        r = srv.request("GET", path, headers=headers)
        assert r.status == 200, r.body
        items.extend(r.body["items"])
        cursor = r.body["next_cursor"]
        if cursor is None:
            return items


if __name__ == "__main__":
    unittest.main()
