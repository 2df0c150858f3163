"""Issue 12, points 7, 8 and 13: recurrence work is bounded and charged to
the user who asks for it, series respect --max-todos, and validation
failures are answered at once and leave nothing behind (the failures a
body alone decides, and C0 controls in titles and tags, are unit tests in
tests/web). After each attack the server still answers /healthz
and a normal request of another user."""

import json
import os
import sqlite3
import subprocess
import tempfile
import threading
import unittest
import urllib.parse

from actodo_fixture import (SOCKET_TIMEOUT, WAIT, ActodoTestCase, actodo_bin,
                            recv_json)

PASSWORD = "a long enough password for tests"
# Never matches (February has no 31st); 0.5 s per expansion before the fix.
NEVER = "FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=2"
DAILY = {"due": "2031-03-02T09:00:00+00:00",
         "recurrence": {"rrule": "FREQ=DAILY"}}


def preview_path(rrule, due="2026-01-01", limit=10):
    q = urllib.parse.urlencode({"rrule": rrule, "due": due, "limit": limit})
    return f"/api/v1/occurrences?{q}"


class TokenUsers(ActodoTestCase):
    """A token-mode server and helpers to act as several users."""

    extra = ()

    def setUp(self):
        self.srv = self.server(extra_args=["--auth=token", *self.extra])
        self.other = self.user("bystander")

    def call(self, method, path, body=None, token=None, headers=None,
             timeout=SOCKET_TIMEOUT):
        h = {"Content-Type": "application/json"}
        if token:
            h["Authorization"] = f"Bearer {token}"
        h.update(headers or {})
        data = None if body is None else json.dumps(body)
        return self.srv.request(method, path, data, h, timeout=timeout)

    def user(self, name):
        r = self.call("POST", "/api/v1/auth/register",
                      {"username": name, "password": PASSWORD})
        self.assertEqual(r.status, 201, r.body)
        r = self.call("POST", "/api/v1/auth/login",
                      {"username": name, "password": PASSWORD})
        self.assertEqual(r.status, 200, r.body)
        return r.body["access_token"]

    def ws(self, token):
        return self.srv.ws(f"/api/v1/ws?access_token={token}")

    def create(self, token, body):
        r = self.call("POST", "/api/v1/todos", body, token,
                      {"Prefer": WAIT})
        self.assertEqual(r.status, 201, r.body)
        return r.body

    def complete(self, token, todo_id):
        r = self.call("PATCH", f"/api/v1/todos/{todo_id}", {"completed": True},
                      token, {"Prefer": WAIT})
        self.assertEqual(r.status, 200, r.body)
        return r.body

    def todos(self, token):
        r = self.call("GET", "/api/v1/todos?limit=100", token=token)
        self.assertEqual(r.status, 200, r.body)
        return r.body["items"]

    def events(self, token):
        r = self.call("GET", "/api/v1/events?after=0&limit=1000", token=token)
        self.assertEqual(r.status, 200, r.body)
        return r.body["items"]

    def request_rows(self):
        """Rows of the durable request outcomes (read-only, while the
        server runs: SQLite WAL allows that)."""
        path = os.path.join(self.srv.data_dir, "actodo.db")
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            return db.execute("SELECT count(*) FROM requests").fetchone()[0]
        finally:
            db.close()

    def assertStillServes(self):
        """/healthz answers and another user's normal request works."""
        self.assertEqual(self.srv.get("/healthz").status, 200)
        todo = self.create(self.other, {"title": "still here"})
        r = self.call("GET", f"/api/v1/todos/{todo['id']}", token=self.other)
        self.assertEqual(r.status, 200, r.body)


class PreviewFloodTest(TokenUsers):
    """Point 7: one user's RRULE previews do not delay another user's
    recurring todos; expansion is bounded and previews are rate-limited."""

    def flood(self, token, n, threads=6):
        statuses = []
        lock = threading.Lock()

        def worker(count):
            for _ in range(count):
                r = self.call("GET", preview_path(NEVER), token=token,
                              timeout=60)
                with lock:
                    statuses.append((r.status, r.headers, r.body))

        pool = [threading.Thread(target=worker, args=(n // threads,))
                for _ in range(threads)]
        for t in pool:
            t.start()
        return pool, statuses

    def check_completion_of_other_user(self):
        bob = self.user("bob")
        todo = self.create(bob, dict(DAILY, title="water the plants"))
        ws = self.ws(bob)
        self.assertEqual(recv_json(ws)["type"], "welcome")
        # The normal client timeout (10 s) bounds the completion.
        done = self.complete(bob, todo["id"])
        next_id = done["recurrence"]["next_id"]
        self.assertIsInstance(next_id, str, done)
        r = self.call("GET", f"/api/v1/todos/{next_id}", token=bob)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["due"], "2031-03-03T09:00:00+00:00")
        # The successor's event reaches the socket too.
        created = None
        for _ in range(10):
            frame = recv_json(ws)
            if (frame.get("type") == "event"
                    and frame["event"]["type"] == "todo.created"
                    and frame["event"]["subject"] == next_id):
                created = frame
                break
        self.assertIsNotNone(created)

    def test_flood_is_limited_and_does_not_delay_others(self):
        alice = self.user("alice")
        pool, statuses = self.flood(alice, 60)
        self.check_completion_of_other_user()
        for t in pool:
            t.join(60)
        self.assertEqual(len(statuses), 60)
        codes = [s for s, _, _ in statuses]
        self.assertLessEqual(set(codes), {422, 429}, codes)
        self.assertIn(429, codes)
        self.assertIn(422, codes)
        for status, headers, body in statuses:
            if status == 422:
                self.assertEqual(body["field"], "rrule", body)
            else:
                self.assertGreaterEqual(int(headers["retry-after"]), 1)
        self.assertStillServes()


class UnlimitedPreviewFloodTest(PreviewFloodTest):
    """Without the rate limit, each expansion is still bounded (in time) and
    charged to its user, one at a time: the other user's completion is not
    stuck behind them."""

    extra = ("--preview-rate-limit=0",)

    def test_flood_is_limited_and_does_not_delay_others(self):
        alice = self.user("alice")
        pool, statuses = self.flood(alice, 60)
        self.check_completion_of_other_user()
        for t in pool:
            t.join(60)
        self.assertEqual(len(statuses), 60)
        codes = [s for s, _, _ in statuses]
        self.assertLessEqual(set(codes), {422, 429}, codes)
        self.assertIn(422, codes)
        for status, headers, body in statuses:
            # 422: over the time budget; 429: the user's previous expansion
            # still runs (one at a time per user).
            self.assertEqual(body["field"], "rrule", body)
            if status == 429:
                self.assertEqual(headers["retry-after"], "1")
        self.assertStillServes()


class BudgetTest(TokenUsers):
    extra = ("--recurrence-budget=1000",)

    def test_listing_and_completion_of_a_never_matching_rule(self):
        alice = self.user("alice")
        todo = self.create(alice, {"title": "leap", "due": "2031-01-31",
                                   "recurrence": {"rrule": NEVER}})
        r = self.call("GET", f"/api/v1/todos/{todo['id']}/occurrences",
                      token=alice)
        self.assertEqual(r.status, 422, r.body)
        self.assertEqual(r.body["field"], "recurrence/rrule")
        # The completion waits for that expansion to end, then runs its own
        # within the limits: the series ends.
        done = self.complete(alice, todo["id"])
        self.assertTrue(done["recurrence"]["ended"], done)
        self.assertEqual(done["recurrence"]["end_reason"], "budget")
        self.assertIsNone(done["recurrence"]["next_id"])
        self.assertEqual(len(self.todos(alice)), 1)
        self.assertStillServes()

    def test_the_budget_is_an_option(self):
        alice = self.user("alice")
        # 100 leap days need 400 years of yearly steps: beyond 1000? No;
        # a daily rule on leap days needs ~146,000 daily steps: beyond.
        ok = self.call("GET", preview_path(
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "2028-02-29", 100),
            token=alice)
        self.assertEqual(ok.status, 200, ok.body)
        self.assertEqual(len(ok.body["items"]), 100)
        r = self.call("GET", preview_path(
            "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29", "2028-02-29", 100),
            token=alice)
        self.assertEqual(r.status, 422, r.body)
        self.assertEqual(r.body["field"], "rrule")
        self.assertIn("1000", r.body["detail"])
        self.assertStillServes()


class TimeLimitTest(TokenUsers):
    """libical spends ~0.6 s on NEVER whatever the step budget: the time
    limit answers first (default 200 ms); a generous limit lets the step
    budget answer."""

    extra = ("--recurrence-budget=1000", "--preview-rate-limit=0")

    def test_the_time_limit_answers_first(self):
        alice = self.user("alice")
        r = self.call("GET", preview_path(NEVER), token=alice)
        self.assertEqual(r.status, 422, r.body)
        self.assertEqual(r.body["field"], "rrule")
        self.assertIn("200 ms", r.body["detail"])
        self.assertStillServes()


class GenerousTimeLimitTest(TokenUsers):
    extra = ("--recurrence-budget=1000", "--recurrence-time-limit=10s")

    def test_the_step_budget_answers(self):
        alice = self.user("alice")
        r = self.call("GET", preview_path(NEVER), token=alice)
        self.assertEqual(r.status, 422, r.body)
        self.assertEqual(r.body["field"], "rrule")
        self.assertIn("1000 steps", r.body["detail"])
        self.assertStillServes()


class OptionValuesTest(ActodoTestCase):
    def test_invalid_values_are_refused_with_the_option_named(self):
        for arg in ("--recurrence-budget=5", "--recurrence-budget=2000000",
                    "--recurrence-time-limit=1ms",
                    "--recurrence-time-limit=1min",
                    "--preview-rate-limit=2000000"):
            with self.subTest(arg=arg), tempfile.TemporaryDirectory() as tmp:
                res = subprocess.run(
                    [actodo_bin(), "serve", "--port=0",
                     f"--data-dir={os.path.join(tmp, 'd')}", arg],
                    stdin=subprocess.DEVNULL, capture_output=True,
                    timeout=20)
                self.assertEqual(res.returncode, 2, res)
                self.assertIn(arg.split("=")[0], res.stderr.decode())
        res = subprocess.run([actodo_bin(), "serve", "--help"],
                             capture_output=True, timeout=20)
        text = res.stdout.decode() + res.stderr.decode()
        for opt in ("--recurrence-budget", "--recurrence-time-limit",
                    "--preview-rate-limit"):
            self.assertIn(opt, text)


class PreviewRateTest(TokenUsers):
    extra = ("--preview-rate-limit=1",)

    def test_previews_per_user_are_rate_limited(self):
        alice = self.user("alice")
        codes = [self.call("GET", preview_path("FREQ=DAILY"),
                           token=alice).status for _ in range(4)]
        # A burst of twice the rate (2), then 429.
        self.assertEqual(codes[:2], [200, 200])
        self.assertIn(429, codes[2:])
        r = self.call("GET", preview_path("FREQ=DAILY"), token=alice)
        self.assertEqual(r.status, 429)
        self.assertIn("retry-after", r.headers)
        # Another user has a bucket of their own.
        r = self.call("GET", preview_path("FREQ=DAILY"), token=self.other)
        self.assertEqual(r.status, 200, r.body)
        self.assertStillServes()


class SeriesCapTest(TokenUsers):
    """Point 8: a next occurrence counts against --max-todos."""

    extra = ("--max-todos=3",)

    def test_series_ends_at_the_cap(self):
        alice = self.user("alice")
        self.create(alice, {"title": "plain"})
        first = self.create(alice, dict(DAILY, title="daily"))
        done = self.complete(alice, first["id"])
        second = done["recurrence"]["next_id"]
        self.assertIsInstance(second, str, done)
        self.assertEqual(len(self.todos(alice)), 3)
        # At the cap: the series ends instead of growing past it.
        done = self.complete(alice, second)
        self.assertTrue(done["recurrence"]["ended"], done)
        self.assertEqual(done["recurrence"]["end_reason"], "max_todos")
        self.assertIsNone(done["recurrence"]["next_id"])
        self.assertEqual(len(self.todos(alice)), 3)
        # The reason travels in the event.
        completed = [e for e in self.events(alice)
                     if e["type"] == "todo.completed"
                     and e["subject"] == second]
        self.assertEqual(len(completed), 1)
        rec = completed[0]["data"]["recurrence"]
        self.assertEqual((rec["ended"], rec["end_reason"]),
                         (True, "max_todos"))
        # Every 409 names its field.
        r = self.call("POST", "/api/v1/todos", {"title": "4th"}, alice,
                      {"Prefer": WAIT})
        self.assertProblem(r, 409, "todos")
        self.assertEqual(len(self.todos(alice)), 3)
        self.assertStillServes()


class ValidatedBeforeTheListTest(TokenUsers):
    """Point 13: these failures are 400 (REST) or an `error` frame (socket)
    and write nothing, not even a `failed` request row. What the body alone
    decides is unit-tested (tests/web/schedule_validation_test.cpp,
    command_frame_test.cpp); here is what needs the todo list: an update
    that gives a recurrence to a todo without due."""

    def setUp(self):
        super().setUp()
        self.alice = self.user("alice")
        self.plain = self.create(self.alice, {"title": "no due"})
        self.rows = self.request_rows()
        self.seq = len(self.events(self.alice))

    def assertNothingWritten(self):
        self.assertEqual(self.request_rows(), self.rows)
        self.assertEqual(len(self.events(self.alice)), self.seq)

    def test_rest(self):
        path = f"/api/v1/todos/{self.plain['id']}"
        for headers in ({}, {"Prefer": WAIT}):
            with self.subTest(headers=headers):
                r = self.call("PATCH", path,
                              {"recurrence": {"rrule": "FREQ=DAILY"}},
                              self.alice, headers)
                self.assertProblem(r, 400, "recurrence")
        self.assertNothingWritten()
        self.assertStillServes()

    def test_socket(self):
        ws = self.ws(self.alice)
        self.assertEqual(recv_json(ws)["type"], "welcome")
        ws.send(json.dumps({"type": "command", "request_id": "bad-1",
                            "op": "update", "id": self.plain["id"],
                            "body": {"recurrence": {"rrule": "FREQ=DAILY"}}}))
        got = recv_json(ws)
        self.assertEqual(got["type"], "error", got)
        self.assertEqual(got["request_id"], "bad-1", got)
        self.assertEqual(got["status"], 400, got)
        self.assertProblemBody(got["problem"], 400, "recurrence")
        self.assertNothingWritten()
        self.assertStillServes()


class PreviewParametersTest(ActodoTestCase):
    def test_a_preview_without_a_rule_names_rrule(self):
        srv = self.server()
        r = srv.get("/api/v1/occurrences?due=2026-01-01")
        self.assertProblem(r, 400, "rrule")
        self.assertIn("preset", r.body["detail"])
        r = srv.get("/api/v1/occurrences?preset=daily&due=2026-01-01&limit=2")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(len(r.body["items"]), 2)


if __name__ == "__main__":
    unittest.main()
