"""Export (issue #17): GET /api/v1/export?format=json|csv|ics streams every
todo of the user; the iCalendar output is read back with Python's
`icalendar` (Debian's python3-icalendar), another tool than the one that
wrote it."""

import csv
import datetime
import time
import http.client
import io
import json
import socket
import unittest
import zoneinfo

import icalendar

from actodo_fixture import ActodoTestCase

COLUMNS = ["id", "title", "notes", "completed", "completed_at", "priority",
           "tags", "due", "time_zone", "order", "created_at", "updated_at",
           "reminders", "recurrence", "archived", "project", "parent_id"]


def raw_get(port, path, method="GET"):
    """The status, headers and raw body bytes (http.client undoes the
    chunked framing but keeps the header)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path)
        r = conn.getresponse()
        body = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, body
    finally:
        conn.close()


class ExportTest(ActodoTestCase):
    def fixture_todos(self, srv):
        """Todos that use every field an export writes."""
        out = {}
        out["plain"] = srv.create("plain")
        out["tricky"] = srv.create(
            'with, comma "quoted"; semi', notes="line1\nline2; semi",
            tags=["home", "b,c"], priority="high",
            due="2026-12-24T09:00:00+01:00", time_zone="Europe/Berlin",
            reminders=[{"offset": "-PT15M"},
                       {"at": "2026-12-24T07:00:00Z"}])
        out["series"] = srv.create(
            "weekly", due="2026-12-07T08:30:00-05:00",
            time_zone="America/New_York", priority="urgent",
            recurrence={"rrule": "FREQ=WEEKLY;BYDAY=MO",
                        "exdates": ["2026-12-14T08:30:00"]})
        out["dated"] = srv.create("date only", due="2026-12-31",
                                  priority="medium", tags=["x"])
        out["low"] = srv.create("low", priority="low")
        done = srv.create("done")
        out["done"] = srv.patch(done["id"], {"completed": True})
        return out

    def test_json_is_every_todo_as_the_api_renders_it(self):
        srv = self.server()
        self.fixture_todos(srv)
        for i in range(1100):  # three pages of 500
            r = srv.request("POST", "/api/v1/todos", {"title": f"bulk {i}"})
            self.assertEqual(r.status, 202, r.body)
        listed = self.wait_all(srv, 1106)
        status, headers, body = raw_get(srv.port,
                                        "/api/v1/export?format=json")
        self.assertEqual(status, 200, body[:300])
        self.assertEqual(headers.get("transfer-encoding"), "chunked")
        self.assertTrue(headers["content-type"].startswith(
            "application/json"))
        self.assertIn('filename="actodo-todos.json"',
                      headers["content-disposition"])
        exported = json.loads(body)
        # Each todo as the API renders it, plus its project's name.
        self.assertEqual([t.pop("project") for t in exported],
                         ["Inbox"] * len(listed))
        self.assertEqual(exported, listed)

    def wait_all(self, srv, n):
        for _ in range(200):
            items = srv.list_all()
            if len(items) >= n:
                return items
        self.fail("the writes did not all land")

    def test_csv_round_trips_every_field(self):
        srv = self.server()
        todos = self.fixture_todos(srv)
        status, headers, body = raw_get(srv.port, "/api/v1/export?format=csv")
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/csv"))
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"),
                                           newline="")))
        self.assertEqual(rows[0], COLUMNS)
        by_id = {r[0]: dict(zip(COLUMNS, r)) for r in rows[1:]}
        self.assertEqual(len(by_id), len(todos))
        for key, t in todos.items():
            row = by_id[t["id"]]
            self.assertEqual(row["title"], t["title"], key)
            self.assertEqual(row["notes"], t["notes"], key)
            self.assertEqual(row["completed"], str(t["completed"]).lower())
            self.assertEqual(row["completed_at"], t["completed_at"] or "")
            self.assertEqual(row["priority"], t["priority"])
            tags = (json.loads(row["tags"]) if row["tags"].startswith("[")
                    else [x for x in row["tags"].split(",") if x])
            self.assertEqual(tags, t["tags"], key)
            self.assertEqual(row["due"], t["due"] or "")
            self.assertEqual(row["time_zone"], t["time_zone"] or "")
            self.assertEqual(float(row["order"]), t["order"])
            self.assertEqual(row["created_at"], t["created_at"])
            self.assertEqual(row["updated_at"], t["updated_at"])
            self.assertEqual(json.loads(row["reminders"] or "[]"),
                             t["reminders"], key)
            self.assertEqual(json.loads(row["recurrence"] or "null"),
                             t["recurrence"], key)
            self.assertEqual(row["archived"], str(t["archived"]).lower())
            self.assertEqual(row["project"], "Inbox", key)
            self.assertEqual(row["parent_id"], t["parent_id"] or "", key)
        # A tag with a comma makes the cell a JSON array.
        self.assertEqual(by_id[todos["tricky"]["id"]]["tags"],
                         '["home","b,c"]')
        self.assertEqual(by_id[todos["dated"]["id"]]["tags"], "x")

    def test_ics_until_has_the_value_type_of_dtstart(self):
        # RFC 5545 3.3.10: UNTIL is a date when DTSTART is one, else UTC.
        # The series reads UNTIL as wall-clock time in the todo's zone (a
        # date: its last second), and the export keeps that meaning.
        srv = self.server()
        cases = {
            "date due, UTC until": (
                {"due": "2027-01-01"}, "FREQ=DAILY;UNTIL=20270110T090000Z",
                datetime.date(2027, 1, 10)),
            "zoned due, date until": (
                {"due": "2027-01-01T09:00:00+01:00",
                 "time_zone": "Europe/Berlin"}, "FREQ=DAILY;UNTIL=20270110",
                datetime.datetime(2027, 1, 10, 22, 59, 59,
                                  tzinfo=datetime.timezone.utc)),
            "zoned due, floating until": (
                {"due": "2027-07-01T09:00:00+02:00",
                 "time_zone": "Europe/Berlin"},
                "FREQ=DAILY;UNTIL=20270710T090000",
                datetime.datetime(2027, 7, 10, 7, 0, 0,
                                  tzinfo=datetime.timezone.utc)),
            "utc due, date until": (
                {"due": "2027-01-01T09:00:00Z"}, "FREQ=DAILY;UNTIL=20270110",
                datetime.datetime(2027, 1, 10, 23, 59, 59,
                                  tzinfo=datetime.timezone.utc)),
        }
        ids = {}
        for title, (fields, rule, _) in cases.items():
            r = srv.request("POST", "/api/v1/todos",
                            dict(fields, title=title,
                                 recurrence={"rrule": rule}),
                            {"Prefer": "wait=10"})
            self.assertEqual(r.status, 201, r.body)
            ids[r.body["id"]] = title
        status, _, body = raw_get(srv.port, "/api/v1/export?format=ics")
        self.assertEqual(status, 200)
        cal = icalendar.Calendar.from_ical(body)
        seen = {}
        for c in cal.walk("VTODO"):
            title = ids[str(c["uid"])]
            until = c["rrule"]["UNTIL"][0]
            start = c["dtstart"].dt
            self.assertEqual(isinstance(until, datetime.datetime),
                             isinstance(start, datetime.datetime), title)
            seen[title] = until
        self.assertEqual(seen, {k: v[2] for k, v in cases.items()})
        # Imported again (the UIDs are the todos' ids: updates), each
        # series ends where it ended: a UTC UNTIL is read back in the zone.
        r = srv.request("POST", "/api/v1/imports", body,
                        {"Content-Type": "text/calendar"})
        self.assertEqual(r.status, 202, r.body)
        path = "/api/v1/jobs/" + r.body["job_id"]
        for _ in range(600):
            job = srv.get(path).body
            if job["state"] not in ("queued", "running"):
                break
            time.sleep(0.05)
        self.assertEqual((job["state"], job["failed"]), ("done", 0), job)
        rules = {ids[t["id"]]: t["recurrence"]["rrule"]
                 for t in srv.list_all()}
        self.assertEqual(rules, {
            "date due, UTC until": "FREQ=DAILY;UNTIL=20270110",
            "zoned due, date until": "FREQ=DAILY;UNTIL=20270110T235959",
            "zoned due, floating until": "FREQ=DAILY;UNTIL=20270710T090000",
            "utc due, date until": "FREQ=DAILY;UNTIL=20270110T235959Z",
        })

    def test_ics_reads_back_with_another_library(self):
        srv = self.server()
        todos = self.fixture_todos(srv)
        status, headers, body = raw_get(srv.port, "/api/v1/export?format=ics")
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/calendar"))
        self.assertTrue(body.startswith(b"BEGIN:VCALENDAR\r\n"), body[:100])
        for line in body.split(b"\r\n"):
            self.assertLessEqual(len(line), 75, line)
        cal = icalendar.Calendar.from_ical(body)
        self.assertEqual(str(cal["version"]), "2.0")
        zones = {str(z["tzid"]) for z in cal.walk("VTIMEZONE")}
        self.assertEqual(zones, {"Europe/Berlin", "America/New_York"})
        vtodos = {str(c["uid"]): c for c in cal.walk("VTODO")}
        self.assertEqual(set(vtodos), {t["id"] for t in todos.values()})

        tricky = vtodos[todos["tricky"]["id"]]
        self.assertEqual(str(tricky["summary"]), todos["tricky"]["title"])
        self.assertEqual(str(tricky["description"]), "line1\nline2; semi")
        due = tricky["due"]
        self.assertEqual(due.params["TZID"], "Europe/Berlin")
        self.assertEqual(due.dt, datetime.datetime(
            2026, 12, 24, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin")))
        self.assertEqual(int(tricky["priority"]), 3)
        self.assertEqual(str(tricky["status"]), "NEEDS-ACTION")
        # Escaped as RFC 5545 says (python-icalendar 5 splits the value
        # on the escaped comma too, so the text is checked as well).
        self.assertIn(b"CATEGORIES:b\\,c\r\n", body)
        alarms = tricky.walk("VALARM")
        self.assertEqual(len(alarms), 2)
        relative, absolute = alarms
        self.assertEqual(relative["trigger"].params["RELATED"], "END")
        self.assertEqual(relative["trigger"].dt,
                         datetime.timedelta(minutes=-15))
        self.assertEqual(absolute["trigger"].params["VALUE"], "DATE-TIME")
        self.assertEqual(absolute["trigger"].dt, datetime.datetime(
            2026, 12, 24, 7, 0, tzinfo=datetime.timezone.utc))

        series = vtodos[todos["series"]["id"]]
        self.assertEqual(int(series["priority"]), 1)
        self.assertEqual(series["rrule"]["FREQ"], ["WEEKLY"])
        self.assertEqual(series["rrule"]["BYDAY"], ["MO"])
        ny = zoneinfo.ZoneInfo("America/New_York")
        self.assertEqual(series["dtstart"].dt,
                         datetime.datetime(2026, 12, 7, 8, 30, tzinfo=ny))
        self.assertEqual([d.dt for d in series["exdate"].dts],
                         [datetime.datetime(2026, 12, 14, 8, 30, tzinfo=ny)])

        dated = vtodos[todos["dated"]["id"]]
        self.assertEqual(dated["due"].dt, datetime.date(2026, 12, 31))
        self.assertEqual(int(dated["priority"]), 5)
        self.assertEqual([str(x) for x in dated["categories"].cats], ["x"])
        self.assertEqual(int(vtodos[todos["low"]["id"]]["priority"]), 9)
        self.assertNotIn("priority", vtodos[todos["plain"]["id"]])
        self.assertNotIn("due", vtodos[todos["plain"]["id"]])

        done = vtodos[todos["done"]["id"]]
        self.assertEqual(str(done["status"]), "COMPLETED")
        completed = datetime.datetime.fromisoformat(
            todos["done"]["completed_at"].replace("Z", "+00:00"))
        self.assertEqual(done["completed"].dt,
                         completed.replace(microsecond=0))

    def test_http_1_0_gets_the_body_unchunked(self):
        srv = self.server()
        srv.create("one")
        srv.create("two")
        with socket.create_connection(("127.0.0.1", srv.port), 10) as s:
            s.sendall(b"GET /api/v1/export?format=csv HTTP/1.0\r\n"
                      b"Host: 127.0.0.1\r\n\r\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.0 200"), head)
        self.assertNotIn(b"chunked", head.lower())
        rows = list(csv.reader(io.StringIO(body.decode(), newline="")))
        self.assertEqual(rows[0], COLUMNS)
        self.assertEqual([r[1] for r in rows[1:]], ["one", "two"])

    def test_empty_and_refused(self):
        srv = self.server()
        for fmt, expected in [("json", b"[]\n"),
                              ("csv", (",".join(COLUMNS) + "\r\n").encode())]:
            status, _, body = raw_get(srv.port, f"/api/v1/export?format={fmt}")
            self.assertEqual((status, body), (200, expected))
        status, _, body = raw_get(srv.port, "/api/v1/export?format=ics")
        self.assertEqual(status, 200)
        self.assertEqual(icalendar.Calendar.from_ical(body).walk("VTODO"), [])
        self.assertProblem(srv.get("/api/v1/export?format=xml"), 400, "format")
        self.assertProblem(srv.get("/api/v1/export?kind=json"), 400, "kind")
        status, headers, body = raw_get(srv.port, "/api/v1/export", "HEAD")
        self.assertEqual((status, body), (200, b""))
        self.assertTrue(headers["content-type"].startswith("application/json"))


if __name__ == "__main__":
    unittest.main()
