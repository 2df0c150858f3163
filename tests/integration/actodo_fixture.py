"""Shared fixture for the Actodo integration tests.

`Server` starts the real `actodo` binary (path in the `ACTODO_BIN` environment
variable) on an ephemeral port of 127.0.0.1 with its own data directory, and
offers small helpers for HTTP and WebSocket access. Every socket has a
timeout and every wait has a deadline, so a broken server makes the tests
fail instead of hanging.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

import websocket

from pg_databases import PG_DIR, PG_SERVER, pg_dump, pg_store_for  # noqa: F401
from wire import (SOCKET_TIMEOUT, Response, all_of, has_event,  # noqa: F401
                  has_result, http_request, parse_time, raw_http, recv_json,
                  recv_until)

LISTEN_RE = re.compile(r"actodo: listening on http://127\.0\.0\.1:(\d+)")
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
WAIT = "wait=10"  # value of the Prefer header for synchronous writes

PRIORITIES = ["none", "low", "medium", "high", "urgent"]
TODO_KEYS = {"id", "title", "notes", "completed", "completed_at", "priority",
             "tags", "due", "order", "created_at", "updated_at", "version",
             "time_zone", "reminders", "recurrence", "project_id",
             "parent_id", "archived"}
EVENT_TYPES = {"todo.created", "todo.updated", "todo.completed",
               "todo.reopened", "todo.deleted"}

def actodo_bin():
    path = os.environ.get("ACTODO_BIN")
    if not path:
        raise RuntimeError("ACTODO_BIN is not set (path to the actodo binary)")
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"ACTODO_BIN={path!r} is not an executable file")
    return path


class Server:
    """A running actodo process. Use as a context manager or call close()."""

    def __init__(self, data_dir=None, extra_args=(), preexec_fn=None):
        self.extra_args = list(extra_args)
        self.preexec_fn = preexec_fn  # runs in the child (e.g. setrlimit)
        self.tmp = tempfile.mkdtemp(prefix="actodo-it-")
        self.data_dir = data_dir or os.path.join(self.tmp, "data")
        os.makedirs(self.data_dir, exist_ok=True)
        if PG_DIR and not any(a.startswith("--store")
                              for a in self.extra_args):
            self.extra_args.append(f"--store={pg_store_for(self.data_dir)}")
        self.log_path = os.path.join(self.tmp, "server.log")
        self.log_text = ""
        self.proc = None
        self.port = None
        self.stdout_lines = []
        self._reader = None
        self._sockets = []
        self._starts = 0
        self._start()

    # -- lifecycle ---------------------------------------------------------

    def _start(self):
        self._starts += 1
        with open(self.log_path, "ab") as log:
            log.write(f"==== start #{self._starts} ====\n".encode())
        log = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(
                [actodo_bin(), "serve", "--port=0", "--admin-port=0",
                 f"--data-dir={self.data_dir}", *self.extra_args],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log,
                preexec_fn=self.preexec_fn)
        finally:
            log.close()
        found = threading.Event()
        port_box = []
        proc = self.proc
        lines = self.stdout_lines

        def drain():
            for raw in iter(proc.stdout.readline, b""):
                line = raw.decode("utf-8", "replace").rstrip("\n")
                lines.append(line)
                if not found.is_set():
                    m = LISTEN_RE.search(line)
                    if m:
                        port_box.append(int(m.group(1)))
                        found.set()
            proc.stdout.close()

        self._reader = threading.Thread(target=drain, daemon=True)
        self._reader.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not found.wait(0.05):
            if proc.poll() is not None:
                self._reader.join(2)
                raise AssertionError(
                    f"actodo exited with {proc.returncode} before listening"
                    f"\nstdout: {lines!r}\n{self.read_log()}")
            if time.monotonic() > deadline:
                self._terminate()
                raise AssertionError(
                    "actodo did not print its listening line within "
                    f"{STARTUP_TIMEOUT}s\nstdout: {lines!r}\n{self.read_log()}")
        self.port = port_box[0]

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def _terminate(self):
        """SIGTERM, wait up to 10 s, then SIGKILL. Returns (exit code,
        whether it had to be killed)."""
        if self.proc is None:
            return None, False
        killed = False
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                killed = True
                self.proc.kill()
                self.proc.wait(STOP_TIMEOUT)
        if self._reader is not None:
            self._reader.join(5)
        return self.proc.returncode, killed

    def stop(self):
        """Graceful stop; asserts the server exits with code 0 within 10 s."""
        self._close_sockets()
        code, killed = self._terminate()
        if killed:
            raise AssertionError(
                f"actodo ignored SIGTERM for {STOP_TIMEOUT}s\n{self.read_log()}")
        if code != 0:
            raise AssertionError(
                f"actodo exited with code {code} after SIGTERM\n"
                f"{self.read_log()}")

    def kill9(self):
        self._close_sockets()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(STOP_TIMEOUT)
        if self._reader is not None:
            self._reader.join(5)

    def restart(self):
        """Starts again on the same data dir (stops gracefully first if the
        process is still running). The port may change."""
        if self.running():
            self.stop()
        self._start()

    def read_log(self):
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            text = self.log_text
        return f"---- actodo stderr ({self.log_path}) ----\n{text[-20000:]}"

    def close(self):
        self._close_sockets()
        self._terminate()
        self.log_text = self.read_log()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close()
        if exc_type is not None:
            sys.stderr.write(self.log_text + "\n")
        return False

    def _close_sockets(self):
        for ws in self._sockets:
            try:
                ws.close(timeout=1)
            except Exception:
                pass
        self._sockets = []

    # -- HTTP --------------------------------------------------------------

    def request(self, method, path, body=None, headers=None,
                timeout=SOCKET_TIMEOUT):
        return http_request(self.port, method, path, body, headers, timeout)

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def create(self, title, **fields):
        """Synchronous create; returns the todo."""
        body = dict(fields, title=title)
        r = self.request("POST", "/api/v1/todos", body, {"Prefer": WAIT})
        if r.status != 201:
            raise AssertionError(f"create {body!r}: {r.status} {r.body!r}")
        return r.body

    def patch(self, todo_id, body, headers=None):
        """Synchronous patch; returns the todo."""
        hdrs = dict(headers or {}, Prefer=WAIT)
        r = self.request("PATCH", f"/api/v1/todos/{todo_id}", body, hdrs)
        if r.status != 200:
            raise AssertionError(f"patch {todo_id} {body!r}: "
                                 f"{r.status} {r.body!r}")
        return r.body

    def delete(self, todo_id):
        r = self.request("DELETE", f"/api/v1/todos/{todo_id}",
                         headers={"Prefer": WAIT})
        if r.status != 204:
            raise AssertionError(f"delete {todo_id}: {r.status} {r.body!r}")

    def get_todo(self, todo_id):
        r = self.get(f"/api/v1/todos/{todo_id}")
        if r.status != 200:
            raise AssertionError(f"get {todo_id}: {r.status} {r.body!r}")
        return r.body

    def list_page(self, params=()):
        qs = urllib.parse.urlencode(list(params))
        return self.get("/api/v1/todos" + (f"?{qs}" if qs else ""))

    def list_all(self, params=(), limit=500, max_pages=1000):
        """Walks all pages of GET /api/v1/todos; returns the items."""
        items = []
        cursor = None
        for _ in range(max_pages):
            p = list(params) + [("limit", str(limit))]
            if cursor is not None:
                p.append(("cursor", cursor))
            r = self.list_page(p)
            if r.status != 200:
                raise AssertionError(f"list {p!r}: {r.status} {r.body!r}")
            items.extend(r.body["items"])
            cursor = r.body["next_cursor"]
            if cursor is None:
                return items
        raise AssertionError("pagination did not end")

    def events(self, after=0, limit=1000, max_pages=1000):
        """All events with sequence > after, walking the feed."""
        out = []
        for _ in range(max_pages):
            r = self.get(f"/api/v1/events?after={after}&limit={limit}")
            if r.status != 200:
                raise AssertionError(f"events after={after}: "
                                     f"{r.status} {r.body!r}")
            items = r.body["items"]
            if not items:
                return out
            out.extend(items)
            after = items[-1]["sequence"]
        raise AssertionError("event feed did not end")

    def wait_request(self, request_id, timeout=10.0):
        """Polls GET /api/v1/requests/{id} until it leaves `pending`."""
        deadline = time.monotonic() + timeout
        while True:
            r = self.get(f"/api/v1/requests/{request_id}")
            if r.status != 200:
                raise AssertionError(f"request {request_id}: "
                                     f"{r.status} {r.body!r}")
            if r.body["state"] != "pending":
                return r.body
            if time.monotonic() > deadline:
                raise AssertionError(f"request {request_id} still pending")
            time.sleep(0.02)

    # -- WebSocket ---------------------------------------------------------

    def ws(self, path="/api/v1/ws", after=None, timeout=SOCKET_TIMEOUT):
        url = f"ws://127.0.0.1:{self.port}{path}"
        if after is not None:
            url += ("&" if "?" in path else "?") + f"after={after}"
        sock = websocket.create_connection(url, timeout=timeout)
        self._sockets.append(sock)
        return sock


class ActodoTestCase(unittest.TestCase):
    """Base class: `self.server()` starts a server that is cleaned up after
    the test; its stderr is printed if the test fails."""

    maxDiff = 4000

    def run(self, result=None):
        self._it_result = result
        self._it_bad0 = self._bad_count(result)
        return super().run(result)

    @staticmethod
    def _bad_count(result):
        if result is None:
            return 0
        return (len(result.failures) + len(result.errors)
                + len(getattr(result, "unexpectedSuccesses", ())))

    def server(self, data_dir=None, extra_args=(), preexec_fn=None):
        srv = Server(data_dir, extra_args, preexec_fn)
        self.addCleanup(self._cleanup_server, srv)
        return srv

    def _cleanup_server(self, srv):
        srv.close()
        if self._bad_count(getattr(self, "_it_result", None)) > getattr(
                self, "_it_bad0", 0):
            sys.stderr.write(f"\n{self.id()}:\n{srv.log_text}\n")

    # -- assertions ----------------------------------------------------------

    def assertProblem(self, resp, status, field=None, fields=None):
        """`resp` is a problem+json answer with `status`; `field` (or one of
        `fields`) is named when given."""
        self.assertEqual(resp.status, status, resp.body)
        ctype = resp.headers.get("content-type", "").split(";")[0].strip()
        self.assertEqual(ctype, "application/problem+json", resp.headers)
        self.assertIsInstance(resp.body, dict, resp.body)
        self.assertProblemBody(resp.body, status, field, fields)

    def assertProblemBody(self, body, status, field=None, fields=None):
        self.assertIsInstance(body, dict, body)
        self.assertEqual(body.get("status"), status, body)
        for key in ("type", "title", "detail"):
            self.assertIsInstance(body.get(key), str, body)
        if field is not None:
            # A child of the named field (JSON pointer, e.g. "tags/3") is as
            # precise or more.
            actual = body.get("field")
            self.assertTrue(actual == field or (isinstance(actual, str) and
                            actual.startswith(field + "/")),
                            f"field {actual!r} is not {field!r}: {body}")
        if fields is not None:
            self.assertIn(body.get("field"), fields, body)

    def assertWelcome(self, frame, sequence):
        self.assertEqual(frame.get("type"), "welcome", frame)
        self.assertEqual(frame.get("sequence"), sequence, frame)

    def assertTodo(self, todo, **expected):
        self.assertIsInstance(todo, dict, todo)
        self.assertLessEqual(TODO_KEYS, set(todo), todo)
        self.assertLessEqual(set(todo) - TODO_KEYS, {"url"}, todo)
        self.assertIsInstance(todo["id"], str)
        self.assertTrue(todo["id"])
        self.assertIsInstance(todo["version"], int)
        self.assertIsInstance(todo["completed"], bool)
        self.assertIn(todo["priority"], PRIORITIES)
        self.assertIsInstance(todo["tags"], list)
        self.assertIsInstance(todo["order"], (int, float))
        self.assertIsInstance(todo["project_id"], str)
        self.assertIsInstance(todo["archived"], bool)
        parse_time(todo["created_at"])
        parse_time(todo["updated_at"])
        if todo["completed"]:
            parse_time(todo["completed_at"])
        else:
            self.assertIsNone(todo["completed_at"], todo)
        for k, v in expected.items():
            self.assertEqual(todo[k], v, f"{k} of {todo!r}")

    def assertEvent(self, ev, type_=None, subject=None):
        self.assertEqual(ev["specversion"], "1.0", ev)
        self.assertIsInstance(ev["id"], str)
        self.assertIsInstance(ev["source"], str)
        self.assertTrue(ev["source"])
        self.assertIn(ev["type"], EVENT_TYPES)
        self.assertIsInstance(ev["subject"], str)
        parse_time(ev["time"])
        self.assertEqual(ev["datacontenttype"], "application/json", ev)
        self.assertIsInstance(ev["sequence"], int)
        self.assertIsInstance(ev["data"], dict)
        if type_ is not None:
            self.assertEqual(ev["type"], type_, ev)
        if subject is not None:
            self.assertEqual(ev["subject"], subject, ev)
