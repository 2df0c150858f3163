"""Issue #12, "Also": private files in the data directory and event pages
bounded by bytes; issue #15: the data directory is locked."""

import http.client
import json
import os
import stat
import subprocess
import tempfile
import time

from actodo_fixture import SOCKET_TIMEOUT, ActodoTestCase, actodo_bin
from hostile import MIB, assert_serves


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


class DataDirectoryLockTest(ActodoTestCase):
    """Issue #15: two processes on one data directory would each serve a
    stale copy of the other's users; the second one must not start."""

    def run_second(self, args):
        return subprocess.run(
            [actodo_bin(), "serve", "--port=0", "--admin-port=-1", *args],
            capture_output=True, text=True, timeout=30)

    def test_a_second_server_on_a_locked_directory_exits_2(self):
        srv = self.server()
        # After the listening line (scripts wait for that one first).
        line = f"actodo: store sqlite:{srv.data_dir}/actodo.db"
        deadline = time.monotonic() + 10
        while line not in srv.stdout_lines:
            self.assertLess(time.monotonic(), deadline, srv.stdout_lines)
            time.sleep(0.05)
        second = self.run_second([f"--data-dir={srv.data_dir}"])
        self.assertEqual(second.returncode, 2, second.stderr)
        self.assertIn(f"PID {srv.proc.pid}", second.stderr)
        self.assertIn("actodo.lock", second.stderr)
        # The first one is unharmed and keeps serving.
        self.assertEqual(srv.create("still here")["title"], "still here")
        # Once it is gone (even by kill -9), the directory is free again.
        srv.kill9()
        srv.restart()
        self.assertEqual(len(srv.list_all()), 1)

    def test_an_sqlite_file_outside_the_directory_is_locked_too(self):
        store = os.path.join(tempfile.mkdtemp(prefix="actodo-store-"), "x.db")
        self.addCleanup(lambda: __import__("shutil").rmtree(
            os.path.dirname(store), True))
        srv = self.server(extra_args=[f"--store=sqlite:{store}"])
        srv.create("elsewhere")
        other = tempfile.mkdtemp(prefix="actodo-other-")
        self.addCleanup(lambda: __import__("shutil").rmtree(other, True))
        second = self.run_second([f"--data-dir={other}",
                                  f"--store=sqlite:{store}"])
        self.assertEqual(second.returncode, 2, second.stderr)
        self.assertIn(f"PID {srv.proc.pid}", second.stderr)
        self.assertIn("x.db.lock", second.stderr)

    def test_a_bad_store_is_a_usage_error_naming_the_option(self):
        for value in ("mysql://db/x", "sqlite:",
                      "postgresql://u:hunter2@h/db?bogus=1"):
            with self.subTest(value=value):
                r = self.run_second([f"--store={value}"])
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn("--store", r.stderr)
                self.assertNotIn("hunter2", r.stderr + r.stdout)


    def test_an_unreachable_database_fails_the_start_without_the_password(
            self):
        data = tempfile.mkdtemp(prefix="actodo-nopg-")
        self.addCleanup(lambda: __import__("shutil").rmtree(data, True))
        # Port 1 on loopback: nothing listens, the connection is refused.
        r = self.run_second(["--store=postgresql://app:hunter2@127.0.0.1:1/x",
                             f"--data-dir={data}"])
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("unreachable", r.stderr)
        self.assertNotIn("hunter2", r.stderr + r.stdout)

    def test_the_store_comes_from_the_environment(self):
        store = os.path.join(tempfile.mkdtemp(prefix="actodo-env-"), "e.db")
        self.addCleanup(lambda: __import__("shutil").rmtree(
            os.path.dirname(store), True))
        os.environ["ACTODO_STORE"] = f"sqlite:{store}"
        try:
            srv = self.server()
        finally:
            del os.environ["ACTODO_STORE"]
        srv.create("from the environment")
        self.assertTrue(os.path.exists(store))
        self.assertFalse(os.path.exists(
            os.path.join(srv.data_dir, "actodo.db")))


class PrivateFilesTest(ActodoTestCase):

    def test_files_are_0600_in_an_existing_directory(self):
        data = tempfile.mkdtemp(prefix="actodo-perm-")
        self.addCleanup(lambda: __import__("shutil").rmtree(data, True))
        os.chmod(data, 0o755)
        # Left behind with lax modes (an older version, a copy, umask 022).
        for name in ("actodo.db", "actodo.db-wal", "actodo.db-shm"):
            open(os.path.join(data, name), "wb").close()
            os.chmod(os.path.join(data, name), 0o644)
        old = os.umask(0o022)
        try:
            srv = self.server(data_dir=data)
        finally:
            os.umask(old)
        srv.create("one")  # The WAL is written.
        names = sorted(os.listdir(data))
        for name in ("actodo.db", "actodo.db-wal", "jwt-secret",
                     "admin-token"):
            self.assertIn(name, names)
        for name in names:
            path = os.path.join(data, name)
            if os.path.isfile(path):
                with self.subTest(name=name):
                    self.assertEqual(mode_of(path) & 0o077, 0,
                                     f"{name}: {oct(mode_of(path))}")


class EventPageBytesTest(ActodoTestCase):

    def test_event_pages_hold_at_most_1_mib(self):
        srv = self.server()
        notes = "n" * 9000
        conn = http.client.HTTPConnection("127.0.0.1", srv.port,
                                          timeout=SOCKET_TIMEOUT)
        try:
            for i in range(300):
                conn.request("POST", "/api/v1/todos",
                             json.dumps({"title": f"e{i}", "notes": notes}),
                             {"Content-Type": "application/json",
                              "Prefer": "wait=10"})
                resp = conn.getresponse()
                resp.read()
                self.assertEqual(resp.status, 201)
        finally:
            conn.close()
        r = srv.get("/api/v1/events?after=0&limit=1000")
        self.assertEqual(r.status, 200)
        page = r.body["items"]
        size = len(json.dumps(page))
        self.assertLess(len(page), 300)
        self.assertGreater(len(page), 50)
        self.assertLess(size, MIB + 64 * 1024, size)
        # The feed continues after the short page: nothing is skipped.
        seqs = [e["sequence"] for e in srv.events(after=0, limit=1000)]
        self.assertEqual(seqs, list(range(1, 301)))
        assert_serves(self, srv)
